/* expand.c — word expansion as POSIX sh does it, on raw words.
 *
 * One walker serves every context: it appends characters to the current
 * field, remembering for globbing which ones were quoted (they are escaped
 * in the glob pattern) and splitting only the results of unquoted
 * expansions on $IFS. */
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
#include "shell.h"

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

struct walker {
	struct arena *a;
	bool split;            /* field splitting and globbing on */
	struct strvec *out;
	struct strbuf lit, pat;
	bool started, has_glob;
	bool pattern;          /* a ${x#pattern} word: build pat, quoted chars escaped */
	size_t assign_eq;      /* an assignment: the '=' (+1; 0: not one), for ~ after = and : */
	const char *ifs;
};

static void add_char(struct walker *w, char c, bool quoted)
{
	w->started = true;
	sb_addc(&w->lit, c);
	if (!w->split && !w->pattern)
		return;
	if (quoted && strchr("*?[]\\", c))
		sb_addc(&w->pat, '\\');
	else if (!quoted && strchr("*?[", c))
		w->has_glob = true;
	sb_addc(&w->pat, c);
}

static void add_str(struct walker *w, const char *s, bool quoted)
{
	while (*s)
		add_char(w, *s++, quoted);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void end_field(struct walker *w)
{
	if (!w->started)
		return;
	if (w->split && w->has_glob && !sh.opt_f) {
		glob_t g;
		if (glob(w->pat.buf, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
			qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, cmp_str);
			for (size_t i = 0; i < g.gl_pathc; i++)
				strvec_push(w->a, w->out, arena_strdup(w->a, g.gl_pathv[i]));
			globfree(&g);
			goto reset;
		}
		globfree(&g);
	}
	strvec_push(w->a, w->out, arena_strdup(w->a, w->lit.buf ? w->lit.buf : ""));
reset:
	w->lit.len = w->pat.len = 0;
	if (w->lit.buf)
		w->lit.buf[0] = '\0';
	if (w->pat.buf)
		w->pat.buf[0] = '\0';
	w->started = w->has_glob = false;
}

/* The result of an expansion: split on IFS when unquoted and splitting. */
static void add_expansion(struct walker *w, const char *val, bool quoted)
{
	if (quoted || !w->split) {
		if (quoted)
			w->started = true;
		add_str(w, val, quoted || !w->pattern);
		return;
	}
	const char *ifs = w->ifs;
	for (const char *p = val; *p; p++) {
		if (strchr(ifs, *p)) {
			bool white = strchr(" \t\n", *p) != NULL;
			if (white) {
				end_field(w);
				continue;
			}
			/* A non-blank IFS char delimits a field, possibly empty. */
			w->started = true;
			end_field(w);
			continue;
		}
		add_char(w, *p, true);
	}
}

static char *special_param(struct arena *a, char c)
{
	char buf[64];
	switch (c) {
	case '?': snprintf(buf, sizeof buf, "%d", sh.status); break;
	case '#': snprintf(buf, sizeof buf, "%d", sh.nparams); break;
	case '$': snprintf(buf, sizeof buf, "%ld", (long)sh.pid); break;
	case '!':
		if (!sh.last_bg)
			return arena_strdup(a, "");
		snprintf(buf, sizeof buf, "%ld", (long)sh.last_bg);
		break;
	case '-':
		return arena_strdup(a, shell_flags_string());
	case '0': return arena_strdup(a, sh.arg0 ? sh.arg0 : "ipcsh");
	default: return NULL;
	}
	return arena_strdup(a, buf);
}

/* set -u: an unset parameter expanded is an error ("NAME: unbound
 * variable"); returns -1 then, else 0. */
static int check_bound(const char *val, const char *name, size_t len)
{
	if (val || !sh.opt_u)
		return 0;
	msg_err("%.*s: unbound variable", (int)len, name);
	return -1;
}

/* Value of a named or numbered parameter, or NULL when unset. */
static const char *param_value(struct arena *a, const char *name, size_t len)
{
	if (len == 1 && strchr("?#$!-0", name[0]))
		return special_param(a, name[0]);
	if (isdigit((unsigned char)name[0])) {
		long n = strtol(name, NULL, 10);
		return n >= 1 && n <= sh.nparams ? sh.params[n - 1] : NULL;
	}
	char *nm = arena_strndup(a, name, len);
	return var_get(nm);
}

static char *join_params(struct arena *a, char sep)
{
	struct strbuf sb = {0};
	for (int i = 0; i < sh.nparams; i++) {
		if (i && sep)
			sb_addc(&sb, sep);
		sb_adds(&sb, sh.params[i]);
	}
	char *r = arena_strdup(a, sb.buf ? sb.buf : "");
	sb_free(&sb);
	return r;
}

static int walk(struct walker *w, const char *s, size_t n, bool dquoted);

/* "$@" inside double quotes: one field per parameter. */
static void add_at_quoted(struct walker *w)
{
	for (int i = 0; i < sh.nparams; i++) {
		if (i)
			end_field(w);
		w->started = true;
		add_str(w, sh.params[i], true);
	}
}

/* ${x#pat} ${x##pat} ${x%pat} ${x%%pat}: val without its shortest or
 * longest prefix or suffix matching pat (POSIX). The pattern word is
 * expanded on its own; its quoted characters match themselves. */
static int expand_trim(struct walker *w, const char *val, const char *op, size_t n, bool dq)
{
	bool suffix = op[0] == '%', longest = n > 1 && op[1] == op[0];
	size_t skip = 1 + longest;
	struct strvec out = {0};
	struct walker pw;
	memset(&pw, 0, sizeof pw);
	pw.a = w->a;
	pw.out = &out;
	pw.pattern = true;
	pw.ifs = w->ifs;
	int r = walk(&pw, op + skip, n - skip, false);
	char *pat = r == 0 ? arena_strdup(w->a, pw.pat.buf ? pw.pat.buf : "") : NULL;
	sb_free(&pw.lit);
	sb_free(&pw.pat);
	if (!pat)
		return -1;
	const char *v = val ? val : "";
	size_t len = strlen(v), keep_from = 0, keep_len = len;
	char *tmp = arena_strdup(w->a, v);
	for (size_t k = 0; k <= len; k++) {
		/* prefix: try lengths up (shortest) or down (longest);
		 * suffix: try start offsets down (shortest) or up (longest). */
		size_t i = (suffix != longest) ? len - k : k;
		bool hit;
		if (suffix) {
			hit = fnmatch(pat, v + i, 0) == 0;
		} else {
			char save = tmp[i];
			tmp[i] = '\0';
			hit = fnmatch(pat, tmp, 0) == 0;
			tmp[i] = save;
		}
		if (hit) {
			if (suffix)
				keep_len = i;
			else
				keep_from = i, keep_len = len - i;
			break;
		}
	}
	add_expansion(w, arena_strndup(w->a, v + keep_from, keep_len), dq);
	return 0;
}

/* ${...}: name, optional operator and word. Returns 0 or -1. */
static int expand_brace(struct walker *w, const char *body, size_t n, bool dq)
{
	bool len_op = n > 1 && body[0] == '#';
	const char *name = body + len_op;
	size_t nl = 0;
	if (n - len_op > 0 && (isalpha((unsigned char)name[0]) || name[0] == '_')) {
		while (nl < n - len_op && (isalnum((unsigned char)name[nl]) || name[nl] == '_'))
			nl++;
	} else if (n - len_op > 0 && isdigit((unsigned char)name[0])) {
		while (nl < n - len_op && isdigit((unsigned char)name[nl]))
			nl++;
	} else if (n - len_op > 0 && strchr("?#$!-0@*", name[0])) {
		nl = 1;
	}
	const char *rest = name + nl;
	size_t rl = n - len_op - nl;
	if (nl == 0 || (len_op && rl)) {
		msg_err("${%.*s}: bad substitution", (int)n, body);
		return -1;
	}
	const char *val;
	if (name[0] == '@' || name[0] == '*') {
		if (dq && name[0] == '@' && rl == 0 && !len_op) {
			add_at_quoted(w);
			return 0;
		}
		val = join_params(w->a, name[0] == '*' && w->ifs[0] ? w->ifs[0] : ' ');
		if (sh.nparams == 0 && rl)
			val = NULL;
	} else {
		val = param_value(w->a, name, nl);
	}
	/* ${x-w} ${x=w} ${x?w} ${x+w} and their ':' forms test for unset
	 * themselves; the others are an error under set -u. */
	bool tests_unset = rl && (strchr("-=?+", rest[0]) || (rest[0] == ':' && rl > 1));
	if (name[0] != '@' && name[0] != '*' && !tests_unset && check_bound(val, name, nl) < 0)
		return -1;
	if (len_op) {
		char buf[32];
		snprintf(buf, sizeof buf, "%zu", val ? strlen(val) : 0);
		add_expansion(w, arena_strdup(w->a, buf), dq);
		return 0;
	}
	if (rl == 0) {
		add_expansion(w, val ? val : "", dq);
		return 0;
	}
	if (rest[0] == '#' || rest[0] == '%')
		return expand_trim(w, val, rest, rl, dq);
	bool colon = rest[0] == ':';
	char op = rest[colon];
	const char *word = rest + colon + 1;
	size_t wl = rl - colon - 1;
	if (rl < (size_t)colon + 1 || !strchr("-+=?", op)) {
		msg_err("${%.*s}: bad substitution", (int)n, body);
		return -1;
	}
	bool set = val && (!colon || *val);
	switch (op) {
	case '-':
		if (set)
			add_expansion(w, val, dq);
		else
			return walk(w, word, wl, dq);
		return 0;
	case '+':
		if (set)
			return walk(w, word, wl, dq);
		return 0;
	case '=': {
		if (set) {
			add_expansion(w, val, dq);
			return 0;
		}
		char *nm = arena_strndup(w->a, name, nl);
		char *v = expand_single(w->a, arena_strndup(w->a, word, wl));
		if (!v || !is_name(nm, (size_t)-1)) {
			msg_err("${%.*s}: bad substitution", (int)n, body);
			return -1;
		}
		if (var_set(nm, v, 0) < 0)
			return -1;
		add_expansion(w, v, dq);
		return 0;
	}
	default: /* '?' */
		if (set) {
			add_expansion(w, val, dq);
			return 0;
		}
		char *m = wl ? expand_single(w->a, arena_strndup(w->a, word, wl)) : NULL;
		msg_err("%.*s: %s", (int)nl, name, m ? m : "parameter null or not set");
		return -1;
	}
}

/* A '`' at s[0] in raw text (a here-document, a prompt; the lexer turned
 * those of words into $(...)); returns chars consumed or -1. */
static long expand_backquote(struct walker *w, const char *s, size_t n, bool dq)
{
	long e = parse_backquote_end(s + 1, n - 1);
	if (e < 0) {
		msg_err("unterminated `");
		return -1;
	}
	struct strbuf body = {0};
	parse_backquote_body(s + 1, (size_t)e, &body);
	char *out = shell_capture(body.buf, body.len);
	sb_free(&body);
	add_expansion(w, out, dq);
	free(out);
	return e + 2;
}

static char *walk_single(struct arena *a, const char *s, size_t n, size_t assign_eq);

/* $(( )) at s: its text expanded (parameters, $( ), quotes removed; no
 * splitting or globbing), then evaluated. Returns chars consumed or -1. */
static long expand_arith(struct walker *w, const char *s, size_t n, bool dq)
{
	long e = parse_arith_end(s + 3, n - 3);
	if (e < 0) {
		msg_err("unterminated $((");
		return -1;
	}
	char *text = walk_single(w->a, s + 3, (size_t)e, 0);
	if (!text)
		return -1;
	long v;
	struct errbuf err = {{0}};
	if (arith_eval(text, &v, &err) < 0) {
		msg_err("$((%s)): %s", text, err.msg);
		return -1;
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	add_expansion(w, arena_strdup(w->a, buf), dq);
	return e + 5;
}

/* A '$' at s[0]; returns chars consumed or -1. */
static long expand_dollar(struct walker *w, const char *s, size_t n, bool dq)
{
	if (n < 2) {
		add_char(w, '$', dq);
		return 1;
	}
	char c = s[1];
	if (c == '(' && n > 2 && s[2] == '(')
		return expand_arith(w, s, n, dq);
	if (c == '(') {
		long e = parse_cmdsubst_end(s + 2, n - 2);
		if (e < 0) {
			msg_err("unterminated $(");
			return -1;
		}
		char *out = shell_capture(s + 2, (size_t)e);
		add_expansion(w, out, dq);
		free(out);
		return e + 3;
	}
	if (c == '{') {
		long e = parse_brace_end(s + 2, n - 2);
		if (e < 0) {
			msg_err("%.*s: bad substitution", (int)n, s);
			return -1;
		}
		if (expand_brace(w, s + 2, (size_t)e, dq) < 0)
			return -1;
		return e + 3;
	}
	if (c == '@' && dq) {
		add_at_quoted(w);
		return 2;
	}
	if (c == '@' || c == '*') {
		add_expansion(w, join_params(w->a, c == '*' && dq && w->ifs[0] ? w->ifs[0] : ' '), dq);
		return 2;
	}
	if (isdigit((unsigned char)c) || strchr("?#$!-", c)) {
		const char *v = param_value(w->a, s + 1, 1);
		if (check_bound(v, s + 1, 1) < 0)
			return -1;
		add_expansion(w, v ? v : "", dq);
		return 2;
	}
	if (isalpha((unsigned char)c) || c == '_') {
		size_t l = 1;
		while (l + 1 < n && (isalnum((unsigned char)s[l + 1]) || s[l + 1] == '_'))
			l++;
		const char *v = param_value(w->a, s + 1, l);
		if (check_bound(v, s + 1, l) < 0)
			return -1;
		add_expansion(w, v ? v : "", dq);
		return (long)l + 1;
	}
	add_char(w, '$', dq);
	return 1;
}

/* Leading ~ or ~user, unquoted: returns chars consumed (0 if not a tilde prefix). */
static size_t expand_tilde(struct walker *w, const char *s, size_t n)
{
	size_t l = 1;
	while (l < n && s[l] != '/' && !(w->assign_eq && s[l] == ':')) {
		if (!(isalnum((unsigned char)s[l]) || strchr("._-", s[l])))
			return 0;
		l++;
	}
	const char *home;
	if (l == 1) {
		home = var_get("HOME");
		if (!home) {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
	} else {
		char *user = arena_strndup(w->a, s + 1, l - 1);
		struct passwd *pw = getpwnam(user);
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return 0;
	w->started = true;
	add_str(w, home, true);
	return l;
}

static int walk(struct walker *w, const char *s, size_t n, bool dq)
{
	for (size_t i = 0; i < n;) {
		char c = s[i];
		if (c == '\'' && !dq) {
			const char *q = memchr(s + i + 1, '\'', n - i - 1);
			size_t end = q ? (size_t)(q - s) : n;
			w->started = true;
			for (size_t j = i + 1; j < end; j++)
				add_char(w, s[j], true);
			i = end + 1;
		} else if (c == '"' && !dq) {
			/* Find the closing quote, skipping escapes and $( ) / ${ }. */
			size_t j = i + 1;
			while (j < n && s[j] != '"') {
				if (s[j] == '\\')
					j += 2;
				else if (s[j] == '$' && j + 1 < n && s[j + 1] == '(') {
					long e = parse_cmdsubst_end(s + j + 2, n - j - 2);
					j += e < 0 ? n : (size_t)e + 3;
				} else if (s[j] == '$' && j + 1 < n && s[j + 1] == '{') {
					long e = parse_brace_end(s + j + 2, n - j - 2);
					j += e < 0 ? n : (size_t)e + 3;
				} else
					j++;
			}
			if (j > n)
				j = n;
			/* "$@" alone with no parameters makes no field. */
			bool only_at = j - i - 1 == 2 && s[i + 1] == '$' && s[i + 2] == '@';
			if (!only_at)
				w->started = true;
			if (walk(w, s + i + 1, j - i - 1, true) < 0)
				return -1;
			i = j + 1;
		} else if (c == '\\') {
			if (i + 1 >= n) {
				add_char(w, '\\', true);
				i++;
			} else if (dq && !strchr("$`\"\\\n", s[i + 1])) {
				add_char(w, '\\', true);
				i++;
			} else {
				add_char(w, s[i + 1], true);
				i += 2;
			}
		} else if (c == '$' || c == '`') {
			long used = c == '$' ? expand_dollar(w, s + i, n - i, dq)
					     : expand_backquote(w, s + i, n - i, dq);
			if (used < 0)
				return -1;
			i += (size_t)used;
		} else if (c == '~' && !dq &&
			   ((i == 0 && w->lit.len == 0 && !w->started) ||
			    (w->assign_eq && i > 0 && (s[i - 1] == ':' || i == w->assign_eq) &&
			     !(i > 1 && s[i - 2] == '\\')))) {
			size_t used = expand_tilde(w, s + i, n - i);
			if (used == 0) {
				add_char(w, c, false);
				i++;
			} else {
				i += used;
			}
		} else {
			add_char(w, c, dq);
			i++;
		}
	}
	return 0;
}

static void walker_init(struct walker *w, struct arena *a, struct strvec *out, bool split)
{
	memset(w, 0, sizeof *w);
	w->a = a;
	w->out = out;
	w->split = split;
	w->ifs = var_get("IFS");
	if (!w->ifs)
		w->ifs = " \t\n";
}

/* The offset after the '=' of a word that starts NAME= (0: none). */
static size_t assignment_eq(const char *raw)
{
	size_t i = name_prefix(raw);
	return i && raw[i] == '=' ? i + 1 : 0;
}

int expand_fields(struct arena *a, const char *raw, struct strvec *out)
{
	struct walker w;
	walker_init(&w, a, out, true);
	/* As bash does for `export PATH=~/bin:$PATH`: a word that looks like an
	 * assignment gets ~ expanded after its '=' and after each ':'. */
	w.assign_eq = assignment_eq(raw);
	int r = walk(&w, raw, strlen(raw), false);
	if (r == 0)
		end_field(&w);
	sb_free(&w.lit);
	sb_free(&w.pat);
	return r;
}

/* The one string a non-splitting walk made: "$@" ended a field per
 * parameter, which a single-word context joins with spaces. Frees the
 * walker's buffers; NULL when the walk failed. */
static char *walker_single(struct walker *w, const struct strvec *out, bool ok)
{
	char *res = NULL;
	if (ok) {
		struct strbuf sb = {0};
		for (size_t i = 0; i < out->n; i++) {
			sb_adds(&sb, out->v[i]);
			sb_addc(&sb, ' ');
		}
		sb_adds(&sb, w->lit.buf ? w->lit.buf : "");
		res = arena_strdup(w->a, sb.buf ? sb.buf : "");
		sb_free(&sb);
	}
	sb_free(&w->lit);
	sb_free(&w->pat);
	return res;
}

/* s[0..n) expanded to one string, without splitting or globbing;
 * assign_eq as in struct walker. NULL on error. */
static char *walk_single(struct arena *a, const char *s, size_t n, size_t assign_eq)
{
	struct strvec out = {0};
	struct walker w;
	walker_init(&w, a, &out, false);
	w.assign_eq = assign_eq;
	int r = walk(&w, s, n, false);
	return walker_single(&w, &out, r == 0);
}

char *expand_single(struct arena *a, const char *raw)
{
	return walk_single(a, raw, strlen(raw), 0);
}

char *expand_assignment(struct arena *a, const char *value)
{
	/* No '=' in the value: ~ at its start and after each ':'. */
	return walk_single(a, value, strlen(value), (size_t)-1);
}

char *expand_heredoc(struct arena *a, const char *body)
{
	struct strvec out = {0};
	struct walker w;
	walker_init(&w, a, &out, false);
	size_t n = strlen(body);
	for (size_t i = 0; i < n;) {
		if (body[i] == '\\' && i + 1 < n && strchr("$`\\\n", body[i + 1])) {
			if (body[i + 1] != '\n')
				add_char(&w, body[i + 1], true);
			i += 2;
		} else if (body[i] == '$' || body[i] == '`') {
			long used = body[i] == '$' ? expand_dollar(&w, body + i, n - i, true)
						   : expand_backquote(&w, body + i, n - i, true);
			if (used < 0)
				return walker_single(&w, &out, false);
			i += (size_t)used;
		} else {
			add_char(&w, body[i++], true);
		}
	}
	return walker_single(&w, &out, true);
}

char *expand_pattern(struct arena *a, const char *raw)
{
	struct strvec out = {0};
	struct walker w;
	walker_init(&w, a, &out, false);
	w.pattern = true;
	int r = walk(&w, raw, strlen(raw), false);
	char *pat = r == 0 ? arena_strdup(a, w.pat.buf ? w.pat.buf : "") : NULL;
	sb_free(&w.lit);
	sb_free(&w.pat);
	return pat;
}
