/* lex.h — the lexer shared by parser.c (private to src/parse/).
 *
 * The lexer turns source bytes into tokens one at a time, on demand, so the
 * parser can register a here-document (after reading its delimiter) before
 * the newline that starts its body is lexed.
 */
#ifndef IPCSH_LEX_H
#define IPCSH_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"
#include "word.h"

/* Nesting bound for $( ), ${ }, quotes inside them and sub-parses: deep
 * input fails with a syntax error instead of exhausting the stack. */
#define PARSE_MAX_DEPTH 64

enum tok_kind {
	T_EOF, T_WORD, T_NEWLINE, T_SEMI, T_DSEMI, T_SEMIAMP /* ;& */, T_DSEMIAMP /* ;;& */, T_AMP, T_AND, T_OR,
	T_PIPE,   /* '|' or '|[...]' (spec filled either way) */
	T_REDIR, T_LPAREN, T_RPAREN,
};

struct token {
	enum tok_kind kind;
	size_t start, end;     /* source offsets [start, end) */
	int line, col;
	char *word;            /* T_WORD: raw text (arena) */
	int fd;                /* T_REDIR: explicit fd or -1 */
	enum redir_op op;      /* T_REDIR: IN, OUT, APPEND, DUPOUT, DUPIN, HEREDOC */
	bool strip_tabs;       /* T_REDIR: '<<-' */
	struct edge_spec spec; /* T_PIPE; path (if any) lives in the arena */
};

/* A here-document whose body has not been read yet. */
struct pending_doc {
	struct ast_redir *r;
	bool strip_tabs;
	int line, col;         /* of the '<<', for errors */
};

struct lexer {
	struct arena *a;
	const char *src;
	size_t len, pos;
	int depth;               /* sub-parse depth (0 for the top level) */
	bool check;              /* only check the syntax (finding where a $( )
				    or `…` ends): words keep their raw text only */
	bool more;               /* more input may follow (the prompt): a here-
				    document or a backslash-newline that the
				    text ends in is incomplete, not ended by it */
	size_t synced;           /* line/line_start are correct for offsets < synced */
	int first_line, line;
	size_t line_start;
	struct parse_error *err;
	bool failed;
	struct pending_doc *docs;  /* malloc'd; freed by lex_finish() */
	size_t ndocs, capdocs;
	struct strbuf tmp;         /* word being built; freed by lex_finish() */
};

void lex_init(struct lexer *lx, struct arena *a, const char *src, size_t len, int first_line,
	      int depth, struct parse_error *err);
void lex_finish(struct lexer *lx);
/* Lex the next token into *t. On error lx->failed is set and t->kind is T_EOF. */
void lex_next(struct lexer *lx, struct token *t);
/* Queue a here-document: its body is read after the next newline token. */
void lex_add_doc(struct lexer *lx, struct ast_redir *r, bool strip_tabs, int line, int col);
/* Record the first error (later ones are ignored). */
void lex_error(struct lexer *lx, int line, int col, bool incomplete, const char *fmt, ...)
	PRINTF(5, 6);
/* Line and column of a source offset (offsets must not go backwards much). */
void lex_where(struct lexer *lx, size_t off, int *line, int *col);

/* parser.c: a word of the tree, parsed into the parts of word.h with the
 * program of each command substitution parsed too (depth: of the text the
 * word is in). A word word_parse() refuses comes back with .bad set and
 * only its raw text: the expander reports the error when the word runs,
 * as sh reports a bad substitution. check: keep the raw text only. */
struct word *parse_tree_word(struct arena *a, const char *raw, size_t len, int line, int col,
			     unsigned flags, int depth, bool check);
/* parse_script_depth() that only checks (lexer.check): for the lexer's
 * look at a `…` body. */
bool parse_check_depth(struct arena *a, const char *src, size_t len, int first_line, int depth,
		       struct parse_error *err);

/* scan.c: skip constructs in raw text. Each takes s[0..len) starting just
 * after the opening characters and returns the offset of the closing
 * character, -1 if the text ends first, or -2 if nesting exceeds depth
 * PARSE_MAX_DEPTH. */
long scan_paren(const char *s, size_t len, int depth);     /* after "$(" -> ')' */
long scan_brace(const char *s, size_t len, int depth);     /* after "${" -> '}' */
long scan_brace_dq(const char *s, size_t len, int depth);  /* the same inside "…" */
long scan_dquote(const char *s, size_t len, int depth);    /* after '"' -> '"' */
/* After "((" of (( )) or for (( )): the first ')' of the "))" that closes
 * it, or -1; quotes skipped, parentheses counted ($( ) too). semis (2) and
 * *nsemi: the ';'s outside parentheses, for for (( )). */
long scan_dparen(const char *s, size_t len, size_t *semis, size_t *nsemi); /* one quote/$/`/\\ construct or char at s[i] -> past it */
long scan_arith(const char *s, size_t len, int depth);      /* after '$((' -> first ')' of '))' */
long scan_backtick(const char *s, size_t len);             /* after '`' -> '`' */
long scan_ansi(const char *s, size_t len);                 /* after "$'" -> '\'' */
/* The first offset from i on that is not a line continuation (\\⏎). */
size_t skip_continuations(const char *s, size_t len, size_t i);
/* The length of s[0..len) without the line continuations at its end: the
 * text of a $( ) or `…` read alone would end inside one. */
size_t trim_continuations(const char *s, size_t len);
/* A process substitution opening at s[i]: "<(", ">(", "<[SPEC](" or
 * ">[SPEC](" (SPEC an edge spec, checked by the caller). Returns the
 * offset of its '(' (the body follows), or 0 when s[i] opens none. */
size_t scan_procsub_open(const char *s, size_t len, size_t i);
/* Quote removal for a here-document delimiter; *quoted if any quoting was seen. */
char *unquote_delim(struct arena *a, const char *raw, bool *quoted);

/* parser.c: the end of a $( ) body: src starts just after "$(". Parses a
 * list with the real grammar (so `case x in x) ...;; esac` inside works)
 * and returns the offset of the ')' that closes it; -1 with *err filled on
 * a syntax error or an early end (err->incomplete), -2 when nested deeper
 * than PARSE_MAX_DEPTH. */
long parse_paren_end(struct arena *a, const char *src, size_t len, int first_line, int depth,
		     struct parse_error *err);

/* parser.c: parse at a nesting depth (for $( ) sub-parses). */
struct ast_script *parse_script_depth(struct arena *a, const char *src, size_t len,
				      int first_line, int depth, struct parse_error *err);

#endif
