/* expand.c — word expansion as POSIX XCU 2.6 describes it, on the typed
 * tree of src/parse/word.h.
 *
 * The passes, in the standard's order:
 *   1. tilde, parameter, command substitution and arithmetic expansion,
 *      left to right over the parts (pass_tilde, pass_param, pass_cmdsub,
 *      pass_arith), into an xbuf: the resulting characters, each with
 *      flags saying whether it was quoted and whether it came from an
 *      unquoted expansion (only those are split), plus zero-width marks
 *      for "a field exists here even if empty" ("", "$x") and "a field
 *      ends here" (between the elements of "$@");
 *   2. field splitting of the flagged characters on $IFS (split_fields);
 *   3. pathname expansion of each field that holds an unquoted * ? [
 *      (glob_field), the quoted characters escaped in the pattern;
 *   4. quote removal: the parser already turned quoted text into QUOTED
 *      parts, so this is dropping the flags (field_string).
 * Single-string contexts (assignments, redirection targets, here-documents)
 * stop after pass 1; patterns (case, ${x#p}) escape the quoted characters.
 */
#include "expand.h"

#include <ctype.h>
#include <fnmatch.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../parse/parse.h"
#include "arith.h"
#include "../builtin/builtin.h"
#include "param.h"
#include "pipestatus.h"
#include "shell.h"

char *(*expand_capture)(const struct word_part *cmd) = shell_capture;
char *(*expand_procsub)(struct arena *a, const struct word_part *p);

void strvec_push(struct arena *a, struct strvec *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = arena_realloc(a, sv->v, sv->cap * sizeof *sv->v, cap * sizeof *sv->v);
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

/* ---- the intermediate buffer -------------------------------------------- */

enum {
	X_QUOTED = 1,  /* quoted: never split, never a pattern character */
	X_SPLIT = 2,   /* from an unquoted expansion: split on $IFS */
	X_KEEP = 4,    /* zero-width: the field exists even if empty */
	X_BREAK = 8,   /* zero-width: the field ends here ("$@") */
};

struct xbuf {
	char *c;
	unsigned char *f;
	size_t len, cap;
};

/* Buffers are reused from expansion to expansion (a stack, as expansions
 * nest), so expanding a word allocates only its results, in the arena. */
static struct xbuf **pool;
static size_t pool_n, pool_top;

static struct xbuf *xbuf_get(void)
{
	if (pool_top == pool_n) {
		pool = xrealloc(pool, (pool_n + 1) * sizeof *pool);
		pool[pool_n++] = xcalloc(1, sizeof **pool);
	}
	struct xbuf *b = pool[pool_top++];
	b->len = 0;
	return b;
}

static void xbuf_put(struct xbuf *b)
{
	(void)b;
	pool_top--;
}

static void xbuf_grow(struct xbuf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n)
		cap *= 2;
	b->c = xrealloc(b->c, cap);
	b->f = xrealloc(b->f, cap);
	b->cap = cap;
}

static void xbuf_add(struct xbuf *b, const char *s, size_t n, unsigned char flags)
{
	if (!n)
		return;
	xbuf_grow(b, n);
	memcpy(b->c + b->len, s, n);
	memset(b->f + b->len, flags, n);
	b->len += n;
}

static void xbuf_mark(struct xbuf *b, unsigned char mark)
{
	xbuf_grow(b, 1);
	b->c[b->len] = '\0';
	b->f[b->len++] = mark;
}

/* The result of an expansion: quoted inside "…" (and then a field even if
 * empty), else subject to field splitting. */
static void add_result(struct xbuf *b, const char *s, size_t n, bool dq)
{
	if (dq)
		xbuf_mark(b, X_KEEP);
	xbuf_add(b, s, n, dq ? X_QUOTED : X_SPLIT);
}

/* ---- pass 1: tilde, parameters, command substitution, arithmetic -------- */

struct xctx {
	struct arena *a;
	bool split;             /* expanding into fields (else one string) */
};

static int expand_parts(struct xctx *x, const struct word_part *p, struct xbuf *b, bool dq,
			unsigned char lit);

/* The word's expansion as one string (quotes removed, "$@" joined by
 * spaces), in the arena. NULL on error. */
static char *expand_to_string(struct xctx *x, const struct word *w, bool dq);

/* ~ or ~user: the home directory, quoted (never split or globbed). */
static void pass_tilde(struct xctx *x, const struct word_part *p, struct xbuf *b)
{
	const char *home = NULL;
	if (p->u.text.len == 0) {
		home = var_get("HOME");
		if (!home) {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
	} else {
		struct passwd *pw = getpwnam(p->u.text.s);
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home) {
		xbuf_add(b, "~", 1, 0);
		xbuf_add(b, p->u.text.s, p->u.text.len, 0);
		return;
	}
	(void)x;
	xbuf_mark(b, X_KEEP);
	xbuf_add(b, home, strlen(home), X_QUOTED);
}

static const char *special_param(struct arena *a, char c)
{
	char buf[64];
	switch (c) {
	case '?': fmt_long(buf, sh.status); break;
	case '#': fmt_long(buf, sh.nparams); break;
	case '$': snprintf(buf, sizeof buf, "%ld", (long)sh.pid); break;
	case '!':
		if (!sh.last_bg)
			return NULL;
		snprintf(buf, sizeof buf, "%ld", (long)sh.last_bg);
		break;
	case '-':
		return arena_strdup(a, shell_flags_string());
	case '0': return sh.arg0 ? sh.arg0 : "ipcsh";
	default: return NULL;
	}
	return arena_strdup(a, buf);
}

/* The value of a parameter other than @ and *, or NULL when unset. */
static const char *param_value(struct xctx *x, const char *name)
{
	if (isdigit((unsigned char)name[0]) && name[1] == '\0' && name[0] == '0')
		return special_param(x->a, '0');
	if (isdigit((unsigned char)name[0])) {
		long n = strtol(name, NULL, 10);
		return n >= 1 && n <= sh.nparams ? sh.params[n - 1] : NULL;
	}
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return special_param(x->a, name[0]);
	if (strcmp(name, "PIPESTATUS") == 0)
		return pipestatus_count() ? pipestatus_text(x->a, 0) : NULL;
	return var_get(name);
}

/* "$*" joins with the first character of IFS (unset: a space; empty:
 * nothing). */
static char *join_params(struct xctx *x, int from, int n)
{
	/* read now: an expansion earlier in the word may have set IFS */
	const char *ifs = var_get("IFS");
	char sep = ifs ? ifs[0] : ' ';
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += strlen(sh.params[from + i]) + 1;
	char *r = arena_alloc(x->a, len + 1), *o = r;
	for (int i = 0; i < n; i++) {
		if (i && sep)
			*o++ = sep;
		size_t l = strlen(sh.params[from + i]);
		memcpy(o, sh.params[from + i], l);
		o += l;
	}
	*o = '\0';
	return r;
}

/* $@ and $* (positional parameters from..from+n) without an operator:
 * "$@" is a field per parameter, "$*" one field; unquoted, each
 * parameter is split on its own. */
static void add_params(struct xctx *x, struct xbuf *b, char which, int from, int n, bool dq)
{
	/* "$*", and $* where no splitting follows (x=$*): one string */
	if (which == '*' && (dq || !x->split)) {
		const char *j = join_params(x, from, n);
		add_result(b, j, strlen(j), dq);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (i)
			xbuf_mark(b, X_BREAK);
		add_result(b, sh.params[from + i], strlen(sh.params[from + i]), dq);
	}
}

/* set -u: expanding an unset parameter is an error. */
static int check_bound(const char *val, const char *name)
{
	if (val || !sh.opt_u)
		return 0;
	msg_err("%s: unbound variable", name);
	return -1;
}

static int eval_number(struct xctx *x, const struct word *w, long *out)
{
	char *t = expand_to_string(x, w, false);
	if (!t)
		return -1;
	struct errbuf e = {{0}};
	if (arith_eval(t, out, &e) < 0) {
		msg_err("%s: %s", t, e.msg);
		return -1;
	}
	return 0;
}

/* ${x:off:len}: the value's substring (bash). */
static int op_substr(struct xctx *x, const struct word_part *p, const char *val, struct xbuf *b,
		     bool dq)
{
	long off, len = 0;
	if (eval_number(x, p->u.param.arg, &off) < 0 ||
	    (p->u.param.arg2 && eval_number(x, p->u.param.arg2, &len) < 0))
		return -1;
	const char *nm = p->u.param.name;
	if ((nm[0] == '@' || nm[0] == '*') && !nm[1]) {
		/* positional parameters, $0 first */
		long total = sh.nparams + 1;
		if (off < 0)
			off += total;
		if (off < 0 || off > total)
			return 0;
		long end = !p->u.param.arg2 ? total : len < 0 ? -1 : off + len > total ? total : off + len;
		if (end < 0 && p->u.param.arg2) { /* only a length makes it so */
			msg_err("%.*s: substring expression < 0", (int)p->u.param.arg2->rawlen,
				p->u.param.arg2->raw);
			return -1;
		}
		if (off == 0 && end > 0) {
			const char *z = special_param(x->a, '0');
			add_result(b, z, strlen(z), dq);
			if (end > 1)
				xbuf_mark(b, X_BREAK);
			off = 1;
		}
		if (end > off)
			add_params(x, b, nm[0], (int)off - 1, (int)(end - off), dq);
		return 0;
	}
	if (!val)
		val = "";
	long vl = (long)strlen(val);
	if (off < 0)
		off += vl;
	if (off < 0 || off > vl) {
		if (dq)
			xbuf_mark(b, X_KEEP);
		return 0;
	}
	long end = vl;
	if (p->u.param.arg2)
		end = len < 0 ? vl + len : (len > vl - off ? vl : off + len);
	if (end < off) {
		msg_err("%.*s: substring expression < 0", (int)p->u.param.arg2->rawlen,
				p->u.param.arg2->raw);
		return -1;
	}
	add_result(b, val + off, (size_t)(end - off), dq);
	return 0;
}

/* The pattern of an operator's argument (an absent one is empty). */
static char *arg_pattern(struct xctx *x, const struct word *w);

/* ${x=w}: assign w's expansion to x. */
static const char *op_assign(struct xctx *x, const struct word_part *p)
{
	const char *nm = p->u.param.name;
	char *v = expand_to_string(x, p->u.param.arg, false);
	if (!v)
		return NULL;
	if (!is_name(nm, (size_t)-1)) {
		msg_err("$%s: cannot assign in this way", nm);
		return NULL;
	}
	if (var_set(nm, v, 0) < 0)
		return NULL;
	return var_get(nm);
}

/* The operators that produce a new value from val (set or not). */
static int op_value(struct xctx *x, const struct word_part *p, const char *val, struct xbuf *b,
		    bool dq)
{
	enum param_op op = p->u.param.op;
	const char *v = val ? val : "";
	char *pat = arg_pattern(x, p->u.param.arg);
	if (!pat)
		return -1;
	char *r;
	if (op >= PARAM_TRIM_SS && op <= PARAM_TRIM_PL) {
		r = param_trim(x->a, op, pat, v);
	} else if (op >= PARAM_SUBST && op <= PARAM_SUBST_SUF) {
		char *rep = p->u.param.arg2 ? expand_to_string(x, p->u.param.arg2, dq) : "";
		if (!rep)
			return -1;
		r = param_subst(x->a, op, pat, rep, v);
	} else {
		r = param_case(x->a, op, pat, v);
	}
	add_result(b, r, strlen(r), dq);
	return 0;
}

/* ${PIPESTATUS[@]} and ${PIPESTATUS[*]} (src/exec/pipestatus.c): as "$@"
 * and "$*" over the statuses; ${#…[@]} counts them; with an operator that
 * makes a value, each element is one field of its own (bash). */
static int pass_pipestatus_all(struct xctx *x, const struct word_part *p, struct xbuf *b, bool dq)
{
	const char *nm = p->u.param.name;
	enum param_op op = p->u.param.op;
	size_t n = pipestatus_count();
	bool star = pipestatus_ref(nm) == PS_ALL_STAR;
	const char *ifs = var_get("IFS");
	char sep = ifs ? ifs[0] : ' ';
	if (op == PARAM_LENGTH) {
		char t[24];
		fmt_long(t, (long)n);
		add_result(b, t, strlen(t), dq);
		return 0;
	}
	if (op == PARAM_DEFAULT || op == PARAM_ALT) {
		if ((n > 0) == (op == PARAM_ALT)) {
			if (dq)
				xbuf_mark(b, X_KEEP);
			return expand_parts(x, p->u.param.arg->head, b, dq, dq ? X_QUOTED : X_SPLIT);
		}
		if (op == PARAM_ALT)
			return 0;
	} else if (op != PARAM_PLAIN && op != PARAM_SUBSTR && (op < PARAM_TRIM_SS || op > PARAM_LOWER)) {
		msg_err("${%s}: not for an array in ipcsh", nm);
		return -1;
	}
	size_t from = 0;
	if (op == PARAM_SUBSTR) {
		/* ${PIPESTATUS[@]:off:len}: elements, not characters */
		long off, len = (long)n;
		if (eval_number(x, p->u.param.arg, &off) < 0 ||
		    (p->u.param.arg2 && eval_number(x, p->u.param.arg2, &len) < 0))
			return -1;
		if (off < 0)
			off += (long)n;
		if (len < 0) {
			msg_err("%.*s: substring expression < 0", (int)p->u.param.arg2->rawlen,
				p->u.param.arg2->raw);
			return -1;
		}
		from = off < 0 || off > (long)n ? n : (size_t)off;
		n = len < (long)(n - from) ? from + (size_t)len : n;
	}
	struct word_part one = *p;
	one.u.param.name = "PIPESTATUS";
	for (size_t i = from; i < n; i++) {
		char *v = pipestatus_text(x->a, i);
		if (i > from && star && (dq || !x->split)) {
			if (sep)
				add_result(b, &sep, 1, dq);
		} else if (i > from) {
			xbuf_mark(b, X_BREAK);
		}
		if (op == PARAM_PLAIN || op == PARAM_DEFAULT || op == PARAM_SUBSTR)
			add_result(b, v, strlen(v), dq);
		else if (op_value(x, &one, v, b, dq) < 0)
			return -1;
	}
	return 0;
}

/* $x and ${x…} (POSIX 2.6.2). */
static int pass_param(struct xctx *x, const struct word_part *p, struct xbuf *b, bool dq)
{
	const char *nm = p->u.param.name;
	enum param_op op = p->u.param.op;
	bool all = (nm[0] == '@' || nm[0] == '*') && !nm[1];
	if (all && op == PARAM_PLAIN) {
		add_params(x, b, nm[0], 0, sh.nparams, dq);
		return 0;
	}
	if (op == PARAM_SUBSTR && all)
		return op_substr(x, p, NULL, b, dq);
	enum pipestatus_ref ps = pipestatus_ref(nm);
	if (ps == PS_ALL_AT || ps == PS_ALL_STAR)
		return pass_pipestatus_all(x, p, b, dq);
	const char *val = NULL;
	if (ps == PS_ELEMENT && nm[10] == '[') {
		if (pipestatus_element(x->a, nm, &val) < 0)
			return -1;
	} else {
		val = all ? (sh.nparams ? join_params(x, 0, sh.nparams) : NULL) : param_value(x, nm);
	}
	bool tests = op >= PARAM_DEFAULT && op <= PARAM_ALT;
	if (!tests && !all && check_bound(val, nm) < 0)
		return -1;
	bool set = val && (!p->u.param.colon || *val);
	char buf[32];
	switch (op) {
	case PARAM_PLAIN:
		add_result(b, val ? val : "", val ? strlen(val) : 0, dq);
		return 0;
	case PARAM_LENGTH:
		snprintf(buf, sizeof buf, "%zu", all ? (size_t)sh.nparams : val ? strlen(val) : 0);
		add_result(b, buf, strlen(buf), dq);
		return 0;
	case PARAM_DEFAULT:
	case PARAM_ALT:
		if (set == (op == PARAM_ALT)) {
			if (dq)
				xbuf_mark(b, X_KEEP);
			return expand_parts(x, p->u.param.arg->head, b, dq, dq ? X_QUOTED : X_SPLIT);
		}
		if (op == PARAM_ALT) {
			/* "${@+x}" without parameters is no field, as "$@" (bash) */
			if (dq && !all)
				xbuf_mark(b, X_KEEP);
			return 0;
		}
		if (all) {
			add_params(x, b, nm[0], 0, sh.nparams, dq);
			return 0;
		}
		add_result(b, val, strlen(val), dq);
		return 0;
	case PARAM_ASSIGN:
		if (!set && !(val = op_assign(x, p)))
			return -1;
		add_result(b, val, strlen(val), dq);
		return 0;
	case PARAM_ERROR:
		if (!set) {
			char *m = p->u.param.arg->head ? expand_to_string(x, p->u.param.arg, false) : NULL;
			msg_err("%s: %s", nm, m ? m : "parameter null or not set");
			return -1;
		}
		add_result(b, val, strlen(val), dq);
		return 0;
	case PARAM_SUBSTR:
		return op_substr(x, p, val, b, dq);
	default:
		return op_value(x, p, val, b, dq);
	}
}

/* $(…) and `…`: run the command, its output (trailing newlines removed)
 * is the result. */
static void pass_cmdsub(struct xctx *x, const struct word_part *p, struct xbuf *b, bool dq)
{
	(void)x;
	char *out = expand_capture(p);
	add_result(b, out, strlen(out), dq);
	free(out);
}

static bool parts_have_procsub(const struct word_part *p)
{
	for (; p; p = p->next) {
		if (p->kind == WORD_PROCSUB)
			return true;
		if (p->kind == WORD_DQUOTE && parts_have_procsub(p->u.dq.head))
			return true;
		if (p->kind == WORD_PARAM && (word_has_procsub(p->u.param.arg) ||
					      word_has_procsub(p->u.param.arg2)))
			return true;
	}
	return false;
}

bool word_has_procsub(const struct word *w)
{
	return w && parts_have_procsub(w->head);
}

int word_procsubs_each(const struct word *w, void (*fn)(const struct word_part *p, void *arg),
		       void *arg)
{
	int n = 0;
	for (const struct word_part *p = w ? w->head : NULL; p; p = p->next)
		if (p->kind == WORD_PROCSUB) {
			if (fn)
				fn(p, arg);
			n++;
		} else if (p->kind == WORD_PARAM) {
			n += word_procsubs_each(p->u.param.arg, fn, arg);
			n += word_procsubs_each(p->u.param.arg2, fn, arg);
		}
	return n;
}

int word_procsubs(const struct word *w)
{
	return word_procsubs_each(w, NULL, NULL);
}

/* <(…) >(…): the path that stands for the substitution, never split. */
static int pass_procsub(struct xctx *x, const struct word_part *p, struct xbuf *b)
{
	if (!expand_procsub) {
		msg_err("%c(%.*s): process substitution is only run in a command's words and "
			"redirections", p->u.procsub.out ? '>' : '<', (int)p->u.procsub.len,
			p->u.procsub.src);
		return -1;
	}
	char *path = expand_procsub(x->a, p);
	if (!path)
		return -1;
	xbuf_add(b, path, strlen(path), X_QUOTED);
	return 0;
}

/* A word that is one piece of unquoted literal text. */
static const struct word_part *one_literal(const struct word *w)
{
	const struct word_part *p = w->head;
	return p && !p->next && p->kind == WORD_LITERAL ? p : NULL;
}

/* $((…)): the text expanded (no splitting), then evaluated. */
static int pass_arith(struct xctx *x, const struct word_part *p, struct xbuf *b, bool dq)
{
	long v;
	const struct word_part *lit = one_literal(p->u.arith.expr);
	char *t = lit ? arena_strndup(x->a, lit->u.text.s, lit->u.text.len)
		      : expand_to_string(x, p->u.arith.expr, false);
	if (!t)
		return -1;
	struct errbuf e = {{0}};
	if (arith_eval(t, &v, &e) < 0) {
		msg_err("$((%s)): %s", t, e.msg);
		return -1;
	}
	char buf[32];
	fmt_long(buf, v);
	add_result(b, buf, strlen(buf), dq);
	return 0;
}

/* Pass 1 over a list of parts. lit: the flags of unquoted literal text
 * (X_SPLIT inside the argument of an unquoted ${x-…}: it is part of the
 * expansion's result). */
static int expand_parts(struct xctx *x, const struct word_part *p, struct xbuf *b, bool dq,
			unsigned char lit)
{
	for (; p; p = p->next) {
		switch (p->kind) {
		case WORD_LITERAL:
			xbuf_add(b, p->u.text.s, p->u.text.len, lit);
			break;
		case WORD_QUOTED:
			xbuf_mark(b, X_KEEP);
			xbuf_add(b, p->u.text.s, p->u.text.len, X_QUOTED);
			break;
		case WORD_DQUOTE:
			/* "" is a field; "$@" makes one per parameter, none
			 * when there is none: its parts decide */
			if (!p->u.dq.head)
				xbuf_mark(b, X_KEEP);
			if (expand_parts(x, p->u.dq.head, b, true, X_QUOTED) < 0)
				return -1;
			break;
		case WORD_TILDE:
			pass_tilde(x, p, b);
			break;
		case WORD_PARAM:
			if (pass_param(x, p, b, dq) < 0)
				return -1;
			break;
		case WORD_CMDSUB:
			pass_cmdsub(x, p, b, dq);
			break;
		case WORD_ARITH:
			if (pass_arith(x, p, b, dq) < 0)
				return -1;
			break;
		case WORD_PROCSUB:
			if (pass_procsub(x, p, b) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* ---- passes 2-4 ----------------------------------------------------------- */

/* Quote removal: the characters of b[from..to) without the marks; a BREAK
 * (between the elements of "$@" in a one-string context) is a space. */
static char *field_string(struct arena *a, const struct xbuf *b, size_t from, size_t to)
{
	char *r = arena_alloc(a, to - from + 1), *o = r;
	for (size_t k = from; k < to; k++) {
		if (b->f[k] & X_BREAK)
			*o++ = ' ';
		else if (!(b->f[k] & X_KEEP))
			*o++ = b->c[k];
	}
	*o = '\0';
	return r;
}

/* A pattern from b[from..to): quoted characters that mean something to
 * fnmatch/glob are escaped with a backslash. *magic: an unquoted * ? [. */
static char *field_pattern(struct arena *a, const struct xbuf *b, size_t from, size_t to,
			   bool *magic)
{
	char *r = arena_alloc(a, 2 * (to - from) + 1), *o = r;
	*magic = false;
	for (size_t k = from; k < to; k++) {
		unsigned char f = b->f[k];
		char c = b->c[k];
		if (f & X_BREAK) {
			*o++ = ' ';
			continue;
		}
		if (f & X_KEEP)
			continue;
		if ((f & X_QUOTED) && strchr("*?[]\\", c))
			*o++ = '\\';
		else if (!(f & X_QUOTED) && (c == '*' || c == '?' || c == '['))
			*magic = true;
		*o++ = c;
	}
	*o = '\0';
	return r;
}

static int cmp_str(const void *p, const void *q)
{
	return strcmp(*(char *const *)p, *(char *const *)q);
}

/* Does b[from..to) hold an unquoted * or ?, or an unquoted [ with a ]
 * after it? Without one there is nothing to match, and no directory is
 * read: `[ "$i" -lt 5 ]` in a loop must not list the working directory. */
static bool has_magic(const struct xbuf *b, size_t from, size_t to)
{
	bool open = false;
	for (size_t k = from; k < to; k++) {
		if (b->f[k] & (X_KEEP | X_BREAK))
			continue;
		char c = b->c[k];
		if (open && c == ']')
			return true;
		if (b->f[k] & X_QUOTED)
			continue;
		if (c == '*' || c == '?')
			return true;
		if (c == '[')
			open = true;
	}
	return false;
}

/* Pass 3: pathname expansion of one field. Returns the number of names
 * pushed (0: no unquoted pattern character, set -f, or no match). */
static size_t glob_field(struct arena *a, const struct xbuf *b, size_t from, size_t to,
			 struct strvec *out)
{
	if (sh.opt_f || !has_magic(b, from, to))
		return 0;
	bool magic;
	char *pat = field_pattern(a, b, from, to, &magic);
	glob_t g;
	size_t n = 0;
	if (glob(pat, 0, NULL, &g) == 0) {
		qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, cmp_str);
		for (n = 0; n < g.gl_pathc; n++)
			strvec_push(a, out, arena_strdup(a, g.gl_pathv[n]));
	}
	globfree(&g);
	return n;
}

static void emit_field(struct arena *a, const struct xbuf *b, size_t from, size_t to,
		       struct strvec *out)
{
	if (glob_field(a, b, from, to, out) == 0)
		strvec_push(a, out, field_string(a, b, from, to));
}

static bool ifs_white(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Pass 2: field splitting (POSIX 2.6.5) of the X_SPLIT characters on
 * IFS; each field goes through passes 3 and 4 (emit_field). IFS
 * white space around a delimiter is part of it, leading and trailing IFS
 * white space makes no field, each other IFS character ends one field
 * (possibly empty). */
static void split_fields(struct xctx *x, const struct xbuf *b, struct strvec *out)
{
	size_t start = 0;
	bool has = false;
	/* read after pass 1, which may have assigned IFS (${IFS=…}, $((…))) */
	const char *ifs = var_get("IFS");
	if (!ifs)
		ifs = " \t\n";
	/* IFS as a table: a strchr per character was 3% of a loop over
	 * $(cat file). NUL is never a delimiter. */
	bool is_ifs[256] = {false};
	for (const char *p = ifs; *p; p++)
		is_ifs[(unsigned char)*p] = true;
	for (size_t k = 0; k < b->len; k++) {
		unsigned char f = b->f[k];
		if (f & X_BREAK) {
			if (has)
				emit_field(x->a, b, start, k, out);
			start = k + 1;
			has = false;
			continue;
		}
		if (!(f & X_SPLIT) || !is_ifs[(unsigned char)b->c[k]]) {
			has = true;
			continue;
		}
		bool white = ifs_white(b->c[k]);
		if (white && !has) {
			start = k + 1;
			continue;
		}
		emit_field(x->a, b, start, k, out);
		/* the rest of this delimiter: white space, and one non-white
		 * IFS character if the delimiter began with white space */
		bool nonwhite_seen = !white;
		size_t j = k + 1;
		while (j < b->len && (b->f[j] & X_SPLIT) && is_ifs[(unsigned char)b->c[j]]) {
			if (!ifs_white(b->c[j])) {
				if (nonwhite_seen)
					break;
				nonwhite_seen = true;
			}
			j++;
		}
		k = j - 1;
		start = j;
		has = false;
	}
	if (has)
		emit_field(x->a, b, start, b->len, out);
}

/* ---- entry points ---------------------------------------------------------- */

static void xctx_init(struct xctx *x, struct arena *a)
{
	x->a = a;
	x->split = false;
}

static char *expand_to_string(struct xctx *x, const struct word *w, bool dq)
{
	if (!w || !w->head)
		return arena_strdup(x->a, "");
	struct xbuf *b = xbuf_get();
	bool split = x->split;
	x->split = false;
	int r = expand_parts(x, w->head, b, dq, dq ? X_QUOTED : 0);
	x->split = split;
	char *s = r < 0 ? NULL : field_string(x->a, b, 0, b->len);
	xbuf_put(b);
	return s;
}

static char *arg_pattern(struct xctx *x, const struct word *w)
{
	if (!w || !w->head)
		return arena_strdup(x->a, "");
	struct xbuf *b = xbuf_get();
	bool magic, split = x->split;
	x->split = false;
	int r = expand_parts(x, w->head, b, false, 0);
	x->split = split;
	char *s = r < 0 ? NULL : field_pattern(x->a, b, 0, b->len, &magic);
	xbuf_put(b);
	return s;
}

/* A word the parser could not parse (word.h: bad): parse its raw text
 * again for the message. */
static void report_bad(const struct word *w)
{
	struct parse_error err;
	struct arena a = {0};
	if (!word_parse(&a, w->raw, w->rawlen, w->line, w->col, 0, &err))
		msg_err("%s", err.msg);
	else
		msg_err("%s: bad word", w->raw);
	arena_free(&a);
}

static int word_fields(struct arena *a, const struct word *w, struct strvec *out);

int expand_word_fields(struct arena *a, const struct word *w, struct strvec *out)
{
	if (w->bad) {
		report_bad(w);
		return -1;
	}
	if (sh.opt_B && brace_candidate(w)) {
		struct word **ws;
		long n = brace_expand(a, w, &ws);
		if (n < 0)
			return -1;
		for (long i = 0; i < n; i++)
			if (word_fields(a, ws[i], out) < 0)
				return -1;
		return 0;
	}
	return word_fields(a, w, out);
}

/* All passes but brace expansion. */
static int word_fields(struct arena *a, const struct word *w, struct strvec *out)
{
	const struct word_part *lit = one_literal(w);
	if (lit && !memchr(lit->u.text.s, '*', lit->u.text.len) &&
	    !memchr(lit->u.text.s, '?', lit->u.text.len) &&
	    !memchr(lit->u.text.s, '[', lit->u.text.len)) {
		strvec_push(a, out, arena_strndup(a, lit->u.text.s, lit->u.text.len));
		return 0;
	}
	struct xctx x;
	xctx_init(&x, a);
	x.split = true;
	struct xbuf *b = xbuf_get();
	int r = expand_parts(&x, w->head, b, false, 0);
	if (r == 0)
		split_fields(&x, b, out);
	xbuf_put(b);
	return r;
}

/* One string: a single field (pattern: escaped for fnmatch). A word of one
 * unquoted literal part is its text, as a value and as a pattern. */
static char *one_string(struct arena *a, const struct word *w, bool pattern)
{
	if (w->bad) {
		report_bad(w);
		return NULL;
	}
	const struct word_part *lit = one_literal(w);
	if (lit)
		return arena_strndup(a, lit->u.text.s, lit->u.text.len);
	struct xctx x;
	xctx_init(&x, a);
	return pattern ? arg_pattern(&x, w) : expand_to_string(&x, w, false);
}

char *expand_word_single(struct arena *a, const struct word *w)
{
	return one_string(a, w, false);
}

char *expand_word_pattern(struct arena *a, const struct word *w)
{
	return one_string(a, w, true);
}

/* ---- on raw text --------------------------------------------------------- */

static struct word *parse_raw(struct arena *a, const char *raw, unsigned flags)
{
	struct parse_error err;
	struct word *w = word_parse(a, raw, strlen(raw), 1, 1, flags, &err);
	if (!w)
		msg_err("%s", err.msg);
	return w;
}

/* No character that quotes or expands: the word is itself. */
static bool plain(const char *raw)
{
	return !raw[strcspn(raw, "$'\"\\`~*?[<>")];
}

char *expand_single(struct arena *a, const char *raw)
{
	if (plain(raw))
		return arena_strdup(a, raw);
	struct word *w = parse_raw(a, raw, 0);
	return w ? expand_word_single(a, w) : NULL;
}

char *expand_heredoc(struct arena *a, const char *body)
{
	if (!body[strcspn(body, "$`\\")])
		return arena_strdup(a, body);
	struct word *w = parse_raw(a, body, WORD_F_HEREDOC);
	return w ? expand_word_single(a, w) : NULL;
}
