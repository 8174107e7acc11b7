/* word.c — raw word text to a typed tree of parts (word.h).
 *
 * One recursive reader, parse_parts(), serves every context: a word at top
 * level, the inside of "…", a here-document body, and the argument words
 * of ${…}. A context says which characters end it (stop), whether its
 * plain text is quoted (dq), and whether quotes are special at all
 * (heredoc). Ends of $( ), $(( )) and `…` are found by src/parse/scan.c,
 * the same code the lexer uses to delimit words, so both agree.
 */
#include "word.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"

/* Nesting bound for ${ } and "…" inside each other within one word. */
#define WORD_MAX_DEPTH 200

struct wp {
	struct arena *a;
	const char *s;          /* arena copy of the raw text */
	size_t len, i;
	int line0, col0;
	unsigned flags;
	struct parse_error *err;
	bool failed;
	int depth;
	bool literal_only;
	size_t at_off;          /* where(): the last offset placed, */
	int at_line, at_col;    /* and its line and column */
};

/* What ends a context and how its text is read. */
struct ctx {
	const char *stop;       /* unquoted characters that end it ("" none) */
	bool dq;                /* inside "…": plain text is quoted */
	bool heredoc;           /* here-document body: only $ ` \ special */
	bool assign;            /* ~ after unquoted ':' (assignment) */
	bool procsub;           /* <( and >( open a process substitution */
};

struct plist {
	struct word_part *last, **tail;
};

/* Line and column of an offset; counted on from the last one asked for
 * when that is not past it, so a word's parts cost one scan in all. */
static void where(struct wp *p, size_t off, int *line, int *col)
{
	if (off < p->at_off) {
		p->at_off = 0;
		p->at_line = p->line0;
		p->at_col = p->col0;
	}
	int l = p->at_line, c = p->at_col;
	size_t k = p->at_off;
	for (; k < off && k < p->len; k++) {
		if (p->s[k] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	p->at_off = k;
	p->at_line = *line = l;
	p->at_col = *col = c;
}

static void fail(struct wp *p, size_t off, bool incomplete, const char *fmt, ...) PRINTF(4, 5);

static void fail(struct wp *p, size_t off, bool incomplete, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	where(p, off, &p->err->line, &p->err->column);
	p->err->incomplete = incomplete;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
}

static struct word_part *add_part(struct wp *p, struct plist *l, enum word_kind k)
{
	struct word_part *w = arena_alloc(p->a, sizeof *w);
	w->kind = k;
	*l->tail = w;
	l->tail = &w->next;
	l->last = w;
	if (k == WORD_PARAM || k == WORD_CMDSUB || k == WORD_ARITH || k == WORD_TILDE ||
	    k == WORD_PROCSUB)
		p->literal_only = false;
	return w;
}

/* Text s[0..n) as a LITERAL or QUOTED part, joined to the previous part
 * when that one is of the same kind and ends where s starts. */
static void add_text(struct wp *p, struct plist *l, enum word_kind k, const char *s, size_t n)
{
	struct word_part *last = l->last;
	if (last && last->kind == k && last->u.text.s + last->u.text.len == s && n) {
		last->u.text.len += n;
		return;
	}
	struct word_part *w = add_part(p, l, k);
	w->u.text.s = s;
	w->u.text.len = n;
}

static struct word *new_word(struct wp *p, size_t from, size_t to)
{
	struct word *w = arena_alloc(p->a, sizeof *w);
	w->raw = p->s + from;
	w->rawlen = to - from;
	where(p, from, &w->line, &w->col);
	return w;
}

static void parse_parts(struct wp *p, const struct ctx *c, struct plist *out);

/* Does ch end the context (never a NUL)? */
static bool in_stop(const struct ctx *c, char ch)
{
	return ch && *c->stop && strchr(c->stop, ch);
}

/* Is s[i] the start of a tilde prefix that ends before a '/', a ':' (in an
 * assignment), or the end of the context? Returns the prefix's length
 * (with the '~'), or 0. */
static size_t tilde_len(const struct wp *p, const struct ctx *c)
{
	size_t k = p->i + 1;
	while (k < p->len && p->s[k] != '/' && !(c->assign && p->s[k] == ':') &&
	       !in_stop(c, p->s[k])) {
		char ch = p->s[k];
		if (!(isalnum((unsigned char)ch) || ch == '.' || ch == '_' || ch == '-'))
			return 0;
		k++;
	}
	return k - p->i;
}

static void read_tilde(struct wp *p, const struct ctx *c, struct plist *out)
{
	size_t n = tilde_len(p, c);
	if (!n) {
		add_text(p, out, WORD_LITERAL, p->s + p->i, 1);
		p->i++;
		return;
	}
	struct word_part *w = add_part(p, out, WORD_TILDE);
	w->u.text.s = arena_strndup(p->a, p->s + p->i + 1, n - 1);
	w->u.text.len = n - 1;
	p->i += n;
}

/* ---- $'…' -------------------------------------------------------------- */

static void put_utf8(struct strbuf *sb, unsigned long cp)
{
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_addc(sb, (char)(0xc0 | cp >> 6));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_addc(sb, (char)(0xe0 | cp >> 12));
		sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		if (cp > 0x10ffff)
			cp = 0xfffd;
		sb_addc(sb, (char)(0xf0 | cp >> 18));
		sb_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Up to max digits of base at s[*k]; returns the value (0 digits: -1). */
static long digits(const char *s, size_t end, size_t *k, int base, int max)
{
	long v = 0;
	int n = 0;
	while (n < max && *k < end) {
		int d, ch = (unsigned char)s[*k];
		if (isdigit(ch))
			d = ch - '0';
		else if (isxdigit(ch))
			d = tolower(ch) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
		(*k)++;
		n++;
	}
	return n ? v : -1;
}

/* One escape of $'…' at s[k] (just after the backslash): appends its
 * character(s) and returns the offset after it. *nul: it was a NUL, which
 * ends the string (as in bash). */
static size_t ansi_escape(const char *s, size_t end, size_t k, struct strbuf *sb, bool *nul)
{
	static const char from[] = "abeEfnrtv\\'\"?", to[] = "\a\b\033\033\f\n\r\t\v\\'\"?";
	char ch = s[k];
	const char *f = strchr(from, ch);
	if (ch && f) {
		sb_addc(sb, to[f - from]);
		return k + 1;
	}
	long v;
	size_t k0 = k;
	switch (ch) {
	case 'x':
		k++;
		v = digits(s, end, &k, 16, 2);
		break;
	case 'u':
	case 'U':
		k++;
		v = digits(s, end, &k, 16, ch == 'u' ? 4 : 8);
		if (v >= 0x80) {
			put_utf8(sb, (unsigned long)v);
			return k;
		}
		break;
	case 'c':
		if (k + 1 >= end)
			goto plain;
		k += 2;
		v = s[k - 1] == '?' ? 0x7f : (s[k - 1] & 0x1f);
		if (s[k - 1] == '\\' && k < end && s[k] == '\\')
			k++;
		break;
	default:
		v = digits(s, end, &k, 8, 3);
		break;
	}
	if (v < 0) {
		k = k0;
		goto plain;
	}
	if ((v & 0xff) == 0) {
		*nul = true;
		return k;
	}
	sb_addc(sb, (char)v);
	return k;
plain:
	sb_addc(sb, '\\');
	return k;
}

/* $'…' at s[i] (unquoted), its quote at s[q] (after any line
 * continuations): a QUOTED part with its escapes decoded. */
static void read_ansi(struct wp *p, struct plist *out, size_t q)
{
	size_t k = q + 1, start = p->i;
	while (k < p->len && p->s[k] != '\'')
		k += p->s[k] == '\\' ? 2 : 1;
	if (k >= p->len) {
		fail(p, start, true, "unterminated $'");
		return;
	}
	struct strbuf sb = {0};
	bool nul = false;
	for (size_t j = q + 1; j < k;) {
		if (p->s[j] != '\\') {
			if (!nul)
				sb_addc(&sb, p->s[j]);
			j++;
			continue;
		}
		size_t before = sb.len;
		j = ansi_escape(p->s, k, j + 1, &sb, &nul);
		if (nul)
			sb.len = before < sb.len ? before : sb.len;
	}
	char *t = arena_strndup(p->a, sb.buf ? sb.buf : "", sb.len);
	sb_free(&sb);
	add_text(p, out, WORD_QUOTED, t, strlen(t)); /* even empty: $'' is a field */
	p->i = k + 1;
}

/* ---- command substitution and arithmetic ------------------------------ */

static void add_cmdsub(struct wp *p, struct plist *out, const char *src, size_t len, size_t at,
		       bool backquote)
{
	struct word_part *w = add_part(p, out, WORD_CMDSUB);
	w->u.cmd.src = src;
	w->u.cmd.len = len;
	w->u.cmd.backquote = backquote;
	where(p, at, &w->u.cmd.line, &w->u.cmd.col);
}

/* `…` at s[i]: its command with a backslash removed before $ ` \ (and ",
 * inside double quotes), as POSIX 2.6.3 says. */
static void read_backquote(struct wp *p, const struct ctx *c, struct plist *out)
{
	long e = scan_backtick(p->s + p->i + 1, p->len - p->i - 1);
	if (e < 0) {
		fail(p, p->i, true, "unterminated '`'");
		return;
	}
	const char *b = p->s + p->i + 1;
	char *t = arena_alloc(p->a, (size_t)e + 1);
	size_t n = 0;
	for (size_t k = 0; k < (size_t)e; k++) {
		if (b[k] == '\\' && k + 1 < (size_t)e &&
		    (strchr("$`\\", b[k + 1]) || (c->dq && b[k + 1] == '"')))
			k++;
		t[n++] = b[k];
	}
	add_cmdsub(p, out, t, n, p->i + 1, true);
	p->i += (size_t)e + 2;
}

/* The inside of $(( )) from s[from..to) as a word of its own: its
 * parameters and command substitutions expand, quotes are removed. */
static struct word *sub_word(struct wp *p, size_t from, size_t to, const char *stop, bool dq,
			     bool tilde, bool assign);

static void read_arith(struct wp *p, struct plist *out, size_t in, long e)
{
	struct word *x = sub_word(p, in, in + (size_t)e, "", false, false, false);
	if (!x)
		return;
	struct word_part *w = add_part(p, out, WORD_ARITH);
	w->u.arith.expr = x;
	p->i = in + (size_t)e + 2;
}

/* $( or $(( with the '(' at s[k]. */
static void read_paren(struct wp *p, struct plist *out, size_t k)
{
	if (k + 1 < p->len && p->s[k + 1] == '(') {
		long e = scan_arith(p->s + k + 2, p->len - k - 2, p->depth);
		if (e >= 0) {
			read_arith(p, out, k + 2, e);
			return;
		}
		/* $( (cmd) ): a subshell inside a command substitution */
	}
	long e = scan_paren(p->s + k + 1, p->len - k - 1, p->depth);
	if (e < 0) {
		fail(p, p->i, e == -1, e == -1 ? "unterminated '$('" : "nesting too deep");
		return;
	}
	add_cmdsub(p, out, p->s + k + 1, (size_t)e, k + 1, false);
	p->i = k + 1 + (size_t)e + 1;
}

/* <(…) >(…) <[EDGE](…) >[EDGE](…) at s[i], its '(' at paren. soft: in
 * a ${…} argument, where the lexer does not look for substitutions and
 * ends the ${ at its first '}': one with no ')' there, or with a '}'
 * inside, is plain text (false when it read one). */
static bool read_procsub(struct wp *p, struct plist *out, size_t paren, bool soft)
{
	size_t open = p->i;
	struct edge_spec spec = { .kind = EDGE_PIPE, .dflt = true };
	if (paren > open + 1) {
		struct errbuf eb;
		if (edge_spec_parse(p->s + open + 2, paren - open - 3, &spec, &eb) < 0) {
			fail(p, open, false, "syntax error: %s", eb.msg);
			return true;
		}
		if (spec.path) {
			char *path = arena_strdup(p->a, spec.path);
			edge_spec_clear(&spec);
			spec.path = path;
		}
		spec.dflt = false;
	}
	long e = scan_paren(p->s + paren + 1, p->len - paren - 1, p->depth);
	if (soft && (e == -1 || (e >= 0 && memchr(p->s + paren + 1, '}', (size_t)e))))
		return false; /* (spec.path is in the arena) */
	if (e < 0) {
		if (e == -1)
			fail(p, open, true, "unterminated '%c('", p->s[open]);
		else
			fail(p, open, false, "nesting too deep");
		return true;
	}
	struct word_part *w = add_part(p, out, WORD_PROCSUB);
	w->u.procsub.src = p->s + paren + 1;
	w->u.procsub.len = (size_t)e;
	w->u.procsub.out = p->s[open] == '>';
	w->u.procsub.spec = spec;
	where(p, paren + 1, &w->u.procsub.line, &w->u.procsub.col);
	p->i = paren + 1 + (size_t)e + 1;
	return true;
}

/* ---- parameters -------------------------------------------------------- */

/* Length of a parameter name at s[k]: NAME, digits (all of them in
 * braces, one outside), or one special character. */
static size_t name_len(const struct wp *p, size_t k, bool braced)
{
	if (k >= p->len)
		return 0;
	char ch = p->s[k];
	size_t n = 0;
	if (isalpha((unsigned char)ch) || ch == '_') {
		while (k + n < p->len && (isalnum((unsigned char)p->s[k + n]) || p->s[k + n] == '_'))
			n++;
		/* ${PIPESTATUS[…]}, bash's one array that ipcsh has
		 * (src/exec/pipestatus.c): the subscript is part of the name. */
		const char *e;
		if (braced && n == 10 && strncmp(p->s + k, "PIPESTATUS", 10) == 0 && k + n < p->len &&
		    p->s[k + n] == '[' && (e = memchr(p->s + k + n, ']', p->len - k - n)))
			n = (size_t)(e - (p->s + k)) + 1;
		return n;
	}
	if (isdigit((unsigned char)ch)) {
		if (!braced)
			return 1;
		while (k + n < p->len && isdigit((unsigned char)p->s[k + n]))
			n++;
		return n;
	}
	return strchr("@*#?-$!0", ch) ? 1 : 0;
}

static struct word_part *add_param(struct wp *p, struct plist *out, size_t at, size_t n)
{
	struct word_part *w = add_part(p, out, WORD_PARAM);
	w->u.param.name = arena_strndup(p->a, p->s + at, n);
	return w;
}

/* An argument word of ${…} from s[p->i], up to one of stop. Pattern
 * arguments are read unquoted even inside "…" (their quotes are their own);
 * others take the double quotes around the ${…}. procsub: <( and >( open a
 * process substitution (a value outside quotes, as in bash). */
static struct word *read_arg(struct wp *p, const char *stop, bool dq, bool tilde, bool assign,
			     bool procsub)
{
	size_t from = p->i;
	struct ctx c = { stop, dq, false, assign, procsub };
	struct word *w = new_word(p, from, from);
	struct plist l = { NULL, &w->head };
	if (tilde && !dq && p->i < p->len && p->s[p->i] == '~')
		read_tilde(p, &c, &l);
	parse_parts(p, &c, &l);
	if (*stop && p->i >= p->len && !p->failed)
		fail(p, from, true, "unterminated '${'");
	w->rawlen = p->i - from;
	return w;
}

static const struct {
	const char *op;
	enum param_op kind;
} param_ops[] = {
	{"##", PARAM_TRIM_SL}, {"#", PARAM_TRIM_SS}, {"%%", PARAM_TRIM_PL}, {"%", PARAM_TRIM_PS},
	{"//", PARAM_SUBST_ALL}, {"/#", PARAM_SUBST_PRE}, {"/%", PARAM_SUBST_SUF},
	{"/", PARAM_SUBST}, {"^^", PARAM_UPPER}, {"^", PARAM_UPPER1}, {",,", PARAM_LOWER},
	{",", PARAM_LOWER1}, {"-", PARAM_DEFAULT}, {"=", PARAM_ASSIGN}, {"?", PARAM_ERROR},
	{"+", PARAM_ALT},
};

/* "${…}: bad substitution", naming the text as bash does. */
static void bad_subst(struct wp *p, size_t open)
{
	size_t in = open + 2;
	long e = in <= p->len ? scan_brace(p->s + in, p->len - in, p->depth) : -1;
	size_t n = e < 0 ? p->len - open : (size_t)e + 3;
	fail(p, open, false, "%.*s: bad substitution", (int)(n > 80 ? 80 : n), p->s + open);
}

/* The operator and words of ${name OP …} at s[p->i]. */
static void read_param_op(struct wp *p, const struct ctx *c, struct word_part *w, size_t open)
{
	bool colon = p->s[p->i] == ':';
	if (colon && (p->i + 1 >= p->len || !strchr("-=?+", p->s[p->i + 1]))) {
		p->i++;
		w->u.param.op = PARAM_SUBSTR;
		w->u.param.arg = read_arg(p, ":}", false, false, false, false);
		if (!p->failed && p->s[p->i] == ':') {
			p->i++;
			w->u.param.arg2 = read_arg(p, "}", false, false, false, false);
		}
		return;
	}
	p->i += colon;
	for (size_t k = 0; k < sizeof param_ops / sizeof param_ops[0]; k++) {
		size_t ol = strlen(param_ops[k].op);
		if (strncmp(p->s + p->i, param_ops[k].op, ol) != 0)
			continue;
		enum param_op op = param_ops[k].kind;
		if (colon && op < PARAM_DEFAULT)
			break;
		p->i += ol;
		w->u.param.op = op;
		w->u.param.colon = colon;
		bool value = op >= PARAM_DEFAULT && op <= PARAM_ALT;
		bool subst = op >= PARAM_SUBST && op <= PARAM_SUBST_SUF;
		bool quoted = c->dq || c->heredoc;
		w->u.param.arg = read_arg(p, subst ? "/}" : "}", value && quoted, true,
					  value && c->assign, value && !quoted && c->procsub);
		if (subst && !p->failed && p->s[p->i] == '/') {
			p->i++;
			w->u.param.arg2 = read_arg(p, "}", quoted, true, false, false);
		}
		return;
	}
	bad_subst(p, open);
}

/* ${…} with the '{' at s[k]. */
static void read_brace(struct wp *p, const struct ctx *c, struct plist *out, size_t k)
{
	size_t open = p->i, i = k + 1;
	if (++p->depth > WORD_MAX_DEPTH) {
		fail(p, open, false, "nesting too deep");
		return;
	}
	size_t n;
	if (i < p->len && p->s[i] == '#' && (n = name_len(p, i + 1, true)) &&
	    i + 1 + n < p->len && p->s[i + 1 + n] == '}') {
		struct word_part *w = add_param(p, out, i + 1, n);
		w->u.param.op = PARAM_LENGTH;
		p->i = i + 1 + n + 1;
		p->depth--;
		return;
	}
	n = name_len(p, i, true);
	if (!n) {
		if (i >= p->len)
			fail(p, open, true, "unterminated '${'");
		else
			bad_subst(p, open);
		return;
	}
	struct word_part *w = add_param(p, out, i, n);
	p->i = i + n;
	if (p->i >= p->len) {
		fail(p, open, true, "unterminated '${'");
		return;
	}
	if (p->s[p->i] != '}')
		read_param_op(p, c, w, open);
	if (p->failed)
		return;
	if (p->i >= p->len) {
		fail(p, open, true, "unterminated '${'");
		return;
	}
	if (p->s[p->i] != '}') {
		bad_subst(p, open);
		return;
	}
	p->i++;
	p->depth--;
}

/* A '$' at s[p->i]. */
static void read_dollar(struct wp *p, const struct ctx *c, struct plist *out)
{
	size_t k = skip_continuations(p->s, p->len, p->i + 1);
	char n = k < p->len ? p->s[k] : '\0';
	/* $'…' is quoting outside "…", and (as bash, and as the lexer's
	 * scanner skips it) in the argument of a ${…} inside "…" too. */
	if (n == '\'' && (!c->dq || strchr(c->stop, '}')) && !c->heredoc &&
	    !(p->flags & WORD_F_HEREDOC)) {
		read_ansi(p, out, k);
	} else if (n == '(') {
		read_paren(p, out, k);
	} else if (n == '{') {
		read_brace(p, c, out, k);
	} else if (name_len(p, k, false)) {
		size_t nl = name_len(p, k, false);
		add_param(p, out, k, nl);
		p->i = k + nl;
	} else {
		add_text(p, out, c->dq || c->heredoc ? WORD_QUOTED : WORD_LITERAL, p->s + p->i, 1);
		p->i++;
	}
}

/* ---- the reader ---------------------------------------------------------- */

/* A backslash at s[p->i]. */
static void read_backslash(struct wp *p, const struct ctx *c, struct plist *out)
{
	size_t i = p->i;
	if (i + 1 >= p->len) {
		add_text(p, out, c->dq || c->heredoc ? WORD_QUOTED : WORD_LITERAL, p->s + i, 1);
		p->i++;
		return;
	}
	char n = p->s[i + 1];
	if (n == '\n') {
		p->i += 2; /* line continuation */
		return;
	}
	bool escapes;
	if (c->heredoc)
		escapes = strchr("$`\\", n) != NULL;
	else if (c->dq)
		escapes = strchr("$`\"\\", n) || in_stop(c, n);
	else
		escapes = true;
	if (escapes) {
		add_text(p, out, WORD_QUOTED, p->s + i + 1, 1);
		p->i += 2;
	} else {
		add_text(p, out, WORD_QUOTED, p->s + i, 1);
		p->i++;
	}
}

static void read_squote(struct wp *p, struct plist *out)
{
	const char *q = memchr(p->s + p->i + 1, '\'', p->len - p->i - 1);
	if (!q) {
		fail(p, p->i, true, "unterminated single quote");
		return;
	}
	size_t end = (size_t)(q - p->s);
	add_text(p, out, WORD_QUOTED, p->s + p->i + 1, end - p->i - 1);
	p->i = end + 1;
}

static void read_dquote(struct wp *p, const struct ctx *c, struct plist *out)
{
	size_t open = p->i;
	if (++p->depth > WORD_MAX_DEPTH) {
		fail(p, open, false, "nesting too deep");
		return;
	}
	struct word_part *w = add_part(p, out, WORD_DQUOTE);
	struct plist l = { NULL, &w->u.dq.head };
	struct ctx in = { "\"", true, false, false, false };
	(void)c;
	p->i++;
	parse_parts(p, &in, &l);
	if (p->failed)
		return;
	if (p->i >= p->len) {
		fail(p, open, true, "unterminated double quote");
		return;
	}
	p->i++;
	p->depth--;
}

static bool is_special(const struct ctx *c, char ch)
{
	if (ch == '\\' || ch == '$' || ch == '`' || in_stop(c, ch))
		return true;
	if (c->heredoc)
		return false;
	/* '"' inside the "…" of ${x:-"…"} opens a nested group */
	if (ch == '"')
		return true;
	return !c->dq && (ch == '\'' || ch == '~' || (c->assign && ch == ':') ||
			  (c->procsub && (ch == '<' || ch == '>')));
}

static void parse_parts(struct wp *p, const struct ctx *c, struct plist *out)
{
	enum word_kind plain = c->dq || c->heredoc ? WORD_QUOTED : WORD_LITERAL;
	while (p->i < p->len && !p->failed) {
		char ch = p->s[p->i];
		if (in_stop(c, ch))
			return;
		if (!is_special(c, ch)) {
			size_t k = p->i + 1;
			while (k < p->len && !is_special(c, p->s[k]))
				k++;
			add_text(p, out, plain, p->s + p->i, k - p->i);
			p->i = k;
			continue;
		}
		switch (ch) {
		case '\\': read_backslash(p, c, out); break;
		case '$': read_dollar(p, c, out); break;
		case '`': read_backquote(p, c, out); break;
		case '\'': read_squote(p, out); break;
		case '"': read_dquote(p, c, out); break;
		case '<':
		case '>': {
			size_t paren = scan_procsub_open(p->s, p->len, p->i);
			if (!paren || !read_procsub(p, out, paren, *c->stop != '\0')) {
				add_text(p, out, plain, p->s + p->i, 1);
				p->i++;
			}
			break;
		}
		case ':':
			add_text(p, out, plain, p->s + p->i, 1);
			p->i++;
			if (p->i < p->len && p->s[p->i] == '~')
				read_tilde(p, c, out);
			break;
		default: /* '~' not at a tilde-prefix position */
			add_text(p, out, plain, p->s + p->i, 1);
			p->i++;
			break;
		}
	}
}

static struct word *sub_word(struct wp *p, size_t from, size_t to, const char *stop, bool dq,
			     bool tilde, bool assign)
{
	size_t save_len = p->len;
	p->len = to;
	p->i = from;
	struct word *w = read_arg(p, stop, dq, tilde, assign, false);
	p->len = save_len;
	if (p->failed)
		return NULL;
	return w;
}

/* The end (exclusive) of a $( ), $(( )) or `…` at raw[i], or of a <( )
 * or >( ) outside quotes (procsub), or 0: their text is kept as it is (a
 * comment inside ends at a newline even after a backslash). */
static size_t command_end(const char *raw, size_t len, size_t i, bool procsub)
{
	long r;
	size_t paren = procsub && (raw[i] == '<' || raw[i] == '>') ? scan_procsub_open(raw, len, i) : 0;
	if (paren) {
		r = scan_paren(raw + paren + 1, len - paren - 1, 0);
		return r < 0 ? 0 : paren + 1 + (size_t)r + 1;
	}
	if (raw[i] == '`') {
		r = scan_backtick(raw + i + 1, len - i - 1);
		return r < 0 ? 0 : i + 1 + (size_t)r + 1;
	}
	if (raw[i] != '$' || i + 1 >= len || raw[i + 1] != '(')
		return 0;
	if (i + 2 < len && raw[i + 2] == '(') {
		r = scan_arith(raw + i + 3, len - i - 3, 0);
		if (r >= 0)
			return i + 3 + (size_t)r + 2;
	}
	r = scan_paren(raw + i + 2, len - i - 2, 0);
	return r < 0 ? 0 : i + 2 + (size_t)r + 1;
}

/* A copy of raw[0..*len) without its line continuations (backslash-newline
 * outside single quotes and commands), which the lexer leaves inside ${…}:
 * the word is read as if they were never there. */
static char *drop_continuations(struct arena *a, const char *raw, size_t *len, bool heredoc)
{
	char *o = arena_alloc(a, *len + 1);
	size_t n = 0;
	bool dq = false;
	for (size_t i = 0; i < *len; i++) {
		char c = raw[i];
		size_t end = command_end(raw, *len, i, !dq && !heredoc);
		if (end) {
			memcpy(o + n, raw + i, end - i);
			n += end - i;
			i = end - 1;
			continue;
		}
		if (c == '\\' && i + 1 < *len) {
			if (raw[i + 1] != '\n') {
				o[n++] = c;
				o[n++] = raw[i + 1];
			}
			i++;
			continue;
		}
		if (c == '"' && !heredoc) {
			dq = !dq;
		} else if (c == '\'' && !dq && !heredoc) {
			/* $'…': the '$' may stand before dropped continuations */
			bool ansi = n > 0 && o[n - 1] == '$';
			size_t k = i + 1;
			while (k < *len && raw[k] != '\'')
				k += ansi && raw[k] == '\\' ? 2 : 1;
			if (k > *len)
				k = *len;
			size_t m = (k < *len ? k + 1 : k) - i;
			memcpy(o + n, raw + i, m);
			n += m;
			i += m - 1;
			continue;
		}
		o[n++] = c;
	}
	o[n] = '\0';
	*len = n;
	return o;
}

struct word *word_parse(struct arena *a, const char *raw, size_t len, int line, int col,
			unsigned flags, struct parse_error *err)
{
	const char *text;
	if ((flags & WORD_F_ARITH) && memmem(raw, len, "\\\n", 2)) {
		/* arithmetic text: every backslash-newline goes */
		char *o = arena_alloc(a, len + 1);
		size_t n = 0;
		for (size_t i = 0; i < len; i++) {
			if (raw[i] == '\\' && i + 1 < len && raw[i + 1] == '\n')
				i++;
			else
				o[n++] = raw[i];
		}
		o[n] = '\0';
		len = n;
		text = o;
	} else {
		text = memmem(raw, len, "\\\n", 2) ? drop_continuations(a, raw, &len, flags & WORD_F_HEREDOC)
						      : arena_strndup(a, raw, len);
	}
	struct wp p = { .a = a, .s = text, .len = len, .line0 = line, .col0 = col,
			.flags = flags, .err = err, .literal_only = true,
			.at_line = line, .at_col = col };
	memset(err, 0, sizeof *err);
	struct word *w = new_word(&p, 0, len);
	struct plist l = { NULL, &w->head };
	struct ctx c = { "", false, (flags & WORD_F_HEREDOC) != 0, (flags & WORD_F_ASSIGN) != 0,
			 !(flags & (WORD_F_HEREDOC | WORD_F_NO_TILDE)) };
	if (flags & WORD_F_ASSIGN_WORD) {
		/* NAME= (or NAME+=): the name is plain text; ~ may follow
		 * the '='. */
		size_t n = name_prefix(p.s);
		if (n && n + 1 < len && p.s[n] == '+' && p.s[n + 1] == '=')
			n++;
		if (n && n < len && p.s[n] == '=') {
			add_text(&p, &l, WORD_LITERAL, p.s, n + 1);
			p.i = n + 1;
			c.assign = true;
		}
	}
	if (flags & WORD_F_ARITH) {
		/* "$((" EXPR "))": the caller found the end, so this never
		 * scans for it again (nested, that would cost 2^depth) */
		read_arith(&p, &l, 3, (long)len - 5);
		if (p.failed)
			return NULL;
		w->literal_only = false;
		return w;
	}
	if (!(flags & (WORD_F_NO_TILDE | WORD_F_HEREDOC)) && p.i < len && p.s[p.i] == '~' &&
	    (p.i == 0 || c.assign))
		read_tilde(&p, &c, &l);
	parse_parts(&p, &c, &l);
	if (p.failed)
		return NULL;
	w->literal_only = p.literal_only;
	return w;
}

/* ---- dump -------------------------------------------------------------- */

static void dump_parts(const struct word_part *w, struct strbuf *out);

static void dump_word(const struct word *w, struct strbuf *out)
{
	sb_addc(out, '[');
	if (w)
		dump_parts(w->head, out);
	sb_addc(out, ']');
}

static const char *const op_names[] = {
	[PARAM_PLAIN] = "", [PARAM_LENGTH] = "#", [PARAM_DEFAULT] = "-", [PARAM_ASSIGN] = "=",
	[PARAM_ERROR] = "?", [PARAM_ALT] = "+", [PARAM_TRIM_SS] = "#", [PARAM_TRIM_SL] = "##",
	[PARAM_TRIM_PS] = "%", [PARAM_TRIM_PL] = "%%", [PARAM_SUBST] = "/",
	[PARAM_SUBST_ALL] = "//", [PARAM_SUBST_PRE] = "/#", [PARAM_SUBST_SUF] = "/%",
	[PARAM_UPPER1] = "^", [PARAM_UPPER] = "^^", [PARAM_LOWER1] = ",", [PARAM_LOWER] = ",,",
	[PARAM_SUBSTR] = ":",
};

static void dump_parts(const struct word_part *w, struct strbuf *out)
{
	for (; w; w = w->next) {
		switch (w->kind) {
		case WORD_LITERAL:
			sb_addf(out, "L(%.*s)", (int)w->u.text.len, w->u.text.s);
			break;
		case WORD_QUOTED:
			sb_addf(out, "Q(%.*s)", (int)w->u.text.len, w->u.text.s);
			break;
		case WORD_TILDE:
			sb_addf(out, "T(%.*s)", (int)w->u.text.len, w->u.text.s);
			break;
		case WORD_DQUOTE:
			sb_addc(out, 'D');
			sb_addc(out, '[');
			dump_parts(w->u.dq.head, out);
			sb_addc(out, ']');
			break;
		case WORD_PARAM:
			sb_addf(out, "P(%s%s%s", w->u.param.op == PARAM_LENGTH ? "#" : "",
				w->u.param.name, w->u.param.colon ? ":" : "");
			if (w->u.param.op != PARAM_LENGTH)
				sb_adds(out, op_names[w->u.param.op]);
			if (w->u.param.arg)
				dump_word(w->u.param.arg, out);
			if (w->u.param.arg2)
				dump_word(w->u.param.arg2, out);
			sb_addc(out, ')');
			break;
		case WORD_CMDSUB:
			sb_addf(out, "C%c%.*s%c", w->u.cmd.backquote ? '`' : '(', (int)w->u.cmd.len,
				w->u.cmd.src, w->u.cmd.backquote ? '`' : ')');
			break;
		case WORD_ARITH:
			sb_adds(out, "A");
			dump_word(w->u.arith.expr, out);
			break;
		case WORD_PROCSUB:
			sb_addf(out, "S%c", w->u.procsub.out ? '>' : '<');
			if (!w->u.procsub.spec.dflt) {
				sb_addc(out, '[');
				edge_spec_format(&w->u.procsub.spec, out);
				sb_addc(out, ']');
			}
			sb_addf(out, "(%.*s)", (int)w->u.procsub.len, w->u.procsub.src);
			break;
		}
		if (w->next)
			sb_addc(out, ' ');
	}
}

void word_dump(const struct word *w, struct strbuf *out)
{
	sb_add(out, "", 0);
	if (w)
		dump_parts(w->head, out);
}
