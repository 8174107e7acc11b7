/* scan.c — find the end of $( ), ${ }, "..." and `...` in raw text.
 *
 * Used by the lexer (to delimit words) and by the expander (through
 * parse_cmdsubst_end) on raw words, so both agree on where a construct
 * ends. Here-documents inside $( ) are not recognised: a ')' in such a
 * body ends the substitution (out of scope, SPEC §11).
 */
#include "lex.h"

#include <string.h>

static bool is_word_break(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
	       c == '(' || c == ')' || c == '<' || c == '>';
}

/* After a '\'' at s[i-1]: offset of the closing quote or -1. */
static long skip_squote(const char *s, size_t len, size_t i)
{
	const char *q = memchr(s + i, '\'', len - i);
	return q ? q - s : -1;
}

/* A '$' at s[i]: if it opens $( or ${, return the offset just past the
 * closing character (or a negative error); otherwise return i + 1. */
static long skip_dollar(const char *s, size_t len, size_t i, int depth)
{
	if (i + 1 >= len || (s[i + 1] != '(' && s[i + 1] != '{'))
		return (long)i + 1;
	long r = s[i + 1] == '(' ? scan_paren(s + i + 2, len - i - 2, depth + 1)
				 : scan_brace(s + i + 2, len - i - 2, depth + 1);
	return r < 0 ? r : (long)i + 2 + r + 1;
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
			r = skip_dollar(s, len, i, depth);
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

/* One quoting construct starting at s[i] (quote, backslash, $, backtick):
 * returns the offset just past it, or a negative error. */
static long skip_quoted(const char *s, size_t len, size_t i, int depth)
{
	long r;
	switch (s[i]) {
	case '\\':
		return i + 1 < len ? (long)i + 2 : -1;
	case '\'':
		r = skip_squote(s, len, i + 1);
		return r < 0 ? r : r + 1;
	case '"':
		r = scan_dquote(s + i + 1, len - i - 1, depth + 1);
		return r < 0 ? r : (long)i + 1 + r + 1;
	case '`':
		r = scan_backtick(s + i + 1, len - i - 1);
		return r < 0 ? r : (long)i + 1 + r + 1;
	default:
		return skip_dollar(s, len, i, depth);
	}
}

long scan_brace(const char *s, size_t len, int depth)
{
	if (depth > PARSE_MAX_DEPTH)
		return -2;
	size_t i = 0;
	while (i < len) {
		char c = s[i];
		if (c == '}')
			return (long)i;
		if (c == '\\' || c == '\'' || c == '"' || c == '`' || c == '$') {
			long r = skip_quoted(s, len, i, depth);
			if (r < 0)
				return r;
			i = (size_t)r;
		} else {
			i++;
		}
	}
	return -1;
}

long scan_paren(const char *s, size_t len, int depth)
{
	if (depth > PARSE_MAX_DEPTH)
		return -2;
	size_t i = 0, open = 0;
	bool word_start = true;
	while (i < len) {
		char c = s[i];
		if (c == '\\' && i + 1 < len && s[i + 1] == '\n') {
			i += 2; /* a line continuation leaves word_start as it was */
			continue;
		}
		if (c == '\\' || c == '\'' || c == '"' || c == '`' || c == '$') {
			long r = skip_quoted(s, len, i, depth);
			if (r < 0)
				return r;
			i = (size_t)r;
			word_start = false;
			continue;
		}
		if (c == '#' && word_start) {
			const char *nl = memchr(s + i, '\n', len - i);
			if (!nl)
				return -1;
			i = (size_t)(nl - s);
			continue;
		}
		if (c == '(') {
			open++;
		} else if (c == ')') {
			if (open == 0)
				return (long)i;
			open--;
		}
		word_start = is_word_break(c);
		i++;
	}
	return -1;
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

char *unquote_delim(struct arena *a, const char *raw, bool *quoted)
{
	size_t n = strlen(raw), o = 0;
	char *out = arena_alloc(a, n + 1);
	char q = 0;
	*quoted = false;
	for (size_t i = 0; i < n; i++) {
		char c = raw[i];
		if (q == '\'') {
			if (c == '\'')
				q = 0;
			else
				out[o++] = c;
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
	return out;
}
