/* parse.h — lexer and parser: text -> struct ast_script.
 *
 * The parser never prints and never exits: it returns the first error with
 * its position. A script is parsed whole before anything of it runs.
 */
#ifndef IPCSH_PARSE_H
#define IPCSH_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"
#include "../util/util.h"
#include "ast.h"

struct parse_error {
	int line;           /* 1-based line of the offending token */
	int column;         /* 1-based column */
	bool incomplete;    /* the input ended inside a construct (open quote, trailing |,
			       &&, ||, \, open $( or ${, missing here-document body):
			       an interactive reader should read more lines */
	char msg[256];      /* "syntax error near 'TOKEN'" or "syntax error: unknown transport 'x' ..." */
};

/* Alias substitution (POSIX 2.3.1): when set, the parser asks it for the
 * value of an unquoted command word and parses that text in its place.
 * The shell sets it to its alias table (src/builtin/); the parser has no
 * table of its own. */
extern const char *(*parse_alias_lookup)(const char *name);

/* Parse src[0..len). first_line is the number of the first line (1 for a
 * file; used for sub-parses). Returns the script, or NULL with *err filled. */
struct ast_script *parse_script(struct arena *a, const char *src, size_t len, int first_line,
				struct parse_error *err);
/* The same for text that more lines may follow (the prompt): where a
 * script's end ends an open here-document or a trailing backslash-newline
 * (as in sh), this says incomplete. */
struct ast_script *parse_script_more(struct arena *a, const char *src, size_t len,
				     struct parse_error *err);

/* Given s pointing just after "$(", return the offset (from s) of the
 * matching ')' taking quotes, nested $( ), ${ } and comments into account,
 * or -1 if there is none in s[0..len). Used by the expander on raw words. */
long parse_cmdsubst_end(const char *s, size_t len);

/* The old form of command substitution, `...`: given s just after the
 * opening '`', return the offset of the closing one (a backslash escapes
 * the next character), or -1. parse_backquote_body() appends the command
 * it holds to out: a backslash is removed before '$', '`' and '\\' only
 * (POSIX), and a newline is added when a '#' comment or a here-document
 * could otherwise reach past the end. */
long parse_backquote_end(const char *s, size_t len);
/* Given s just after "$((", the offset of the first ')' of the closing
 * "))" (parentheses balanced, quotes and nested expansions skipped), or -1. */
long parse_arith_end(const char *s, size_t len);
void parse_backquote_body(const char *s, size_t len, struct strbuf *out);

/* Given s pointing just after "${", return the offset of the matching '}'
 * (quotes, backslashes, nested $( ) and ${ } skipped; a bare '{' does not
 * nest, as in dash and bash), or -1. The lexer uses the same rule to find
 * where a word ends. */
long parse_brace_end(const char *s, size_t len);

/* The words of the tree (ast.h) are word.h's. */
#include "word.h"

#endif
