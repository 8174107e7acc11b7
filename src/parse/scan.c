/* scan.c — find the end of $( ), ${ }, "..." and `...` in raw text.
 *
 * Used by the lexer (to delimit words) and by the expander (through
 * parse_cmdsubst_end) on raw words, so both agree on where a construct
 * ends. Inside $( ), here-document bodies are skipped like the lexer reads
 * them (after the newline that ends their line).
 */
#include "lex.h"

#include <stdlib.h>
#include <string.h>

/* After a '\'' at s[i-1]: offset of the closing quote or -1. */
static long skip_squote(const char *s, size_t len, size_t i)
{
	const char *q = memchr(s + i, '\'', len - i);
	return q ? q - s : -1;
}

/* A '$' at s[i]: if it opens $( or ${, return the offset just past the
 * closing character (or a negative error); otherwise return i + 1. dq: the
 * '$' stands inside "…" (which changes how a ${ }'s word is quoted). */
static long skip_quoted(const char *s, size_t len, size_t i, int depth, bool dq);
static long brace_end(const char *s, size_t len, int depth, bool dq);

static long skip_dollar(const char *s, size_t len, size_t i, int depth, bool dq)
{
	size_t k = i + 1; /* past line continuations, as the lexer does */
	while (k + 2 < len && s[k] == '\\' && s[k + 1] == '\n')
		k += 2;
	if (k < len && s[k] == '$')
		return (long)k + 1; /* $$: the second '$' opens nothing */
	if (k >= len || (s[k] != '(' && s[k] != '{'))
		return (long)i + 1;
	if (s[k] == '(' && k + 1 < len && s[k + 1] == '(') {
		long r = scan_arith(s + k + 2, len - k - 2, depth + 1);
		return r < 0 ? r : (long)k + 2 + r + 2;
	}
	long r = s[k] == '(' ? scan_paren(s + k + 1, len - k - 1, depth + 1)
			     : brace_end(s + k + 1, len - k - 1, depth + 1, dq);
	return r < 0 ? r : (long)k + 1 + r + 1;
}

long scan_arith(const char *s, size_t len, int depth)
{
	if (depth > PARSE_MAX_DEPTH)
		return -2;
	size_t i = 0, open = 0;
	while (i < len) {
		char c = s[i];
		if (c == '(') {
			open++;
			i++;
		} else if (c == ')') {
			if (open == 0)
				return i + 1 < len && s[i + 1] == ')' ? (long)i : -1;
			open--;
			i++;
		} else {
			long r = skip_quoted(s, len, i, depth, false);
			if (r < 0)
				return r;
			i = (size_t)r;
		}
	}
	return -1;
}

long scan_dparen(const char *s, size_t len, size_t *semis, size_t *nsemi)
{
	/* One pass, no grammar: a $( ) inside is only parentheses to count,
	 * so that nested (( )) and $( ) cost linear time, never 2^depth. */
	size_t depth = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\\') {
			i++;
		} else if (c == '\'') {
			const char *q = memchr(s + i + 1, '\'', len - i - 1);
			if (!q)
				return -1;
			i = (size_t)(q - s);
		} else if (c == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			if (i >= len)
				return -1;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (depth == 0)
				return i + 1 < len && s[i + 1] == ')' ? (long)i : -1;
			depth--;
		} else if (c == ';' && depth == 0 && nsemi) {
			if (*nsemi < 2)
				semis[*nsemi] = i;
			(*nsemi)++;
		}
	}
	return -1;
}

long parse_arith_end(const char *s, size_t len)
{
	return scan_arith(s, len, 0);
}

long scan_backtick(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '`')
			return (long)i;
	}
	return -1;
}

size_t skip_continuations(const char *s, size_t len, size_t i)
{
	while (i + 1 < len && s[i] == '\\' && s[i + 1] == '\n')
		i += 2;
	return i;
}

long scan_ansi(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '\'')
			return (long)i;
	}
	return -1;
}

long scan_dquote(const char *s, size_t len, int depth)
{
	if (depth > PARSE_MAX_DEPTH)
		return -2;
	size_t i = 0;
	while (i < len) {
		char c = s[i];
		long r;
		if (c == '"')
			return (long)i;
		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '$') {
			r = skip_dollar(s, len, i, depth, true);
		} else if (c == '`') {
			r = scan_backtick(s + i + 1, len - i - 1);
			r = r < 0 ? r : (long)i + 1 + r + 1;
		} else {
			r = (long)i + 1;
		}
		if (r < 0)
			return r;
		i = (size_t)r;
	}
	return -1;
}

/* One quoting construct starting at s[i] (quote, backslash, $, backtick),
 * or one plain character: returns the offset just past it, or a negative
 * error. dq: in a word of a ${ } within "…" that is not a pattern, where
 * a single quote is an ordinary character (the word parser reads it so). */
static long skip_quoted(const char *s, size_t len, size_t i, int depth, bool dq)
{
	long r;
	switch (s[i]) {
	case '\\':
		return i + 1 < len ? (long)i + 2 : -1;
	case '\'':
		if (dq)
			return (long)i + 1;
		r = skip_squote(s, len, i + 1);
		return r < 0 ? r : r + 1;
	case '"':
		r = scan_dquote(s + i + 1, len - i - 1, depth + 1);
		return r < 0 ? r : (long)i + 1 + r + 1;
	case '`':
		r = scan_backtick(s + i + 1, len - i - 1);
		return r < 0 ? r : (long)i + 1 + r + 1;
	case '$': {
		/* $'...', line continuations between them included (as the
		 * lexer's ansi_quote_at) */
		size_t q = skip_continuations(s, len, i + 1);
		if (q < len && s[q] == '\'') {
			r = scan_ansi(s + q + 1, len - q - 1);
			return r < 0 ? r : (long)q + 1 + r + 1;
		}
		return skip_dollar(s, len, i, depth, dq);
	}
	default:
		return (long)i + 1;
	}
}

/* Where the word of ${name OP word} starts in s (just after "${"), and
 * whether it is a pattern (# ## % %% / // /# /% ^ ^^ , ,, and :off:len
 * read their quotes as their own even inside "…"); *repl: a / operator,
 * whose replacement after the next '/' is not a pattern. */
static size_t brace_word(const char *s, size_t len, bool *pattern, bool *repl)
{
	size_t i = 0;
	if (i < len && s[i] == '#' && i + 1 < len && s[i + 1] != '}')
		i++; /* ${#name} */
	if (i < len && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		while (i < len && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
				   (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			i++;
	else if (i < len && s[i] >= '0' && s[i] <= '9')
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	else if (i < len && strchr("@*#?-$!", s[i]))
		i++;
	*pattern = *repl = false;
	if (i >= len)
		return i;
	if (s[i] == ':')
		*pattern = !(i + 1 < len && strchr("-=?+", s[i + 1]));
	else if (strchr("#%^,", s[i]))
		*pattern = true;
	else if (s[i] == '/')
		*pattern = *repl = true;
	return i;
}

/* The end of ${ } (s just after "${"). Inside "…" (dq) its word, when not
 * a pattern, takes the double quotes around it: a single quote there is
 * an ordinary character, as the word parser (word.c) reads it. */
static long brace_end(const char *s, size_t len, int depth, bool dq)
{
	if (depth > PARSE_MAX_DEPTH)
		return -2;
	bool pattern = true, repl = false;
	size_t i = dq ? brace_word(s, len, &pattern, &repl) : 0;
	if (repl) { /* the operator itself: / // /# /% */
		i++;
		if (i < len && strchr("/#%", s[i]))
			i++;
	}
	while (i < len) {
		char c = s[i];
		if (c == '}')
			return (long)i;
		if (repl && c == '/') { /* the replacement: not a pattern */
			repl = pattern = false;
			i++;
			continue;
		}
		long r = skip_quoted(s, len, i, depth, dq && !pattern);
		if (r < 0)
			return r;
		i = (size_t)r;
	}
	return -1;
}

long scan_brace(const char *s, size_t len, int depth)
{
	return brace_end(s, len, depth, false);
}

long scan_brace_dq(const char *s, size_t len, int depth)
{
	return brace_end(s, len, depth, true);
}

/* The end of $( ) is where the grammar says (a ')' in a case pattern
 * does not close it), so the parser finds it. */
long scan_paren(const char *s, size_t len, int depth)
{
	if (depth > PARSE_MAX_DEPTH)
		return -2;
	struct arena a = { 0 };
	struct parse_error err;
	long r = parse_paren_end(&a, s, len, 1, depth, &err);
	arena_free(&a);
	return r;
}

long parse_backquote_end(const char *s, size_t len)
{
	return scan_backtick(s, len);
}

void parse_backquote_body(const char *s, size_t len, struct strbuf *out)
{
	size_t start = out->len;
	sb_add(out, "", 0);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && strchr("$`\\", s[i + 1]))
			i++;
		sb_addc(out, s[i]);
	}
	/* A '#' comment or a here-document's last line must end before the
	 * ')' that closes the $( ) form. */
	size_t n = out->len - start;
	if (memchr(out->buf + start, '#', n) || memmem(out->buf + start, n, "<<", 2))
		sb_addc(out, '\n');
}

size_t scan_procsub_open(const char *s, size_t len, size_t i)
{
	if (i + 1 >= len || (s[i] != '<' && s[i] != '>'))
		return 0;
	if (s[i + 1] == '(')
		return i + 1;
	if (s[i + 1] != '[')
		return 0;
	/* <[SPEC]( : the spec is one run of characters that cannot end a word */
	for (size_t k = i + 2; k < len; k++) {
		char c = s[k];
		if (c == ']')
			return k > i + 2 && k + 1 < len && s[k + 1] == '(' ? k + 1 : 0;
		if (strchr(" \t\n()<>;|&'\"\\$`", c))
			return 0;
	}
	return 0;
}

long parse_cmdsubst_end(const char *s, size_t len)
{
	long r = scan_paren(s, len, 0);
	return r < 0 ? -1 : r;
}

long parse_brace_end(const char *s, size_t len)
{
	long r = scan_brace(s, len, 0);
	return r < 0 ? -1 : r;
}

/* Inside double quotes a backslash only escapes these. */
static bool dq_special(char c)
{
	return c == '$' || c == '`' || c == '"' || c == '\\' || c == '\n';
}

/* Quote removal of raw[0..n) into out (room for n + 1 bytes); returns
 * the length. */
static size_t unquote_into(const char *raw, size_t n, char *out, bool *quoted)
{
	size_t o = 0;
	char q = 0;
	*quoted = false;
	for (size_t i = 0; i < n; i++) {
		char c = raw[i];
		if (q == '\'') {
			if (c == '\'')
				q = 0;
			else
				out[o++] = c;
		} else if (c == '\\' && i + 1 < n && raw[i + 1] == '\n') {
			i++; /* a line continuation: gone, as the lexer drops it */
		} else if (c == '\\' && i + 1 < n && (q != '"' || dq_special(raw[i + 1]))) {
			*quoted = true;
			out[o++] = raw[++i];
		} else if (c == '\\' && q != '"') {
			*quoted = true;
		} else if ((c == '\'' || c == '"') && (!q || q == c)) {
			*quoted = true;
			q = q ? 0 : c;
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
	return o;
}

char *unquote_delim(struct arena *a, const char *raw, bool *quoted)
{
	size_t n = strlen(raw);
	char *out = arena_alloc(a, n + 1);
	unquote_into(raw, n, out, quoted);
	return out;
}

size_t trim_continuations(const char *s, size_t len)
{
	while (len >= 2 && s[len - 1] == '\n' && s[len - 2] == '\\') {
		size_t bs = 0;
		while (bs < len - 1 && s[len - 2 - bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			break; /* an escaped backslash, then a newline */
		len -= 2;
	}
	return len;
}
