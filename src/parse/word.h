/* word.h — a shell word as a typed tree (POSIX XCU 2.2, 2.6).
 *
 * word_parse() reads a word's raw text once into a list of parts: literal
 * text (unquoted or quoted), double-quoted groups, parameter expansions
 * with their operator and argument words, command substitutions,
 * arithmetic expansions and tilde prefixes. Quoting is recorded in the
 * part kinds, so the expander (src/exec/expand.c) never rescans text and
 * quote removal is already done for literal parts. Everything lives in the
 * arena given; the parser never prints: errors fill a struct parse_error.
 * Models: mrsh's mrsh_word_* parts.
 */
#ifndef IPCSH_WORD_H
#define IPCSH_WORD_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"
#include "parse.h"

enum word_kind {
	WORD_LITERAL,   /* unquoted text: subject to globbing (and, in an
			   expansion's argument, to field splitting) */
	WORD_QUOTED,    /* text quoted by '…', \c, $'…', or inside "…" */
	WORD_DQUOTE,    /* "…": children in .dq; makes a field even if empty */
	WORD_PARAM,     /* $name, ${…} */
	WORD_CMDSUB,    /* $(…) or `…` */
	WORD_ARITH,     /* $((…)) */
	WORD_TILDE,     /* ~ or ~user at a tilde-prefix position */
	WORD_PROCSUB,   /* <(…) >(…) <[EDGE](…) >[EDGE](…): process substitution,
			   only at the top level of an unquoted word */
};

enum param_op {
	PARAM_PLAIN,      /* $x ${x} */
	PARAM_LENGTH,     /* ${#x} */
	PARAM_DEFAULT,    /* ${x-w} ${x:-w} */
	PARAM_ASSIGN,     /* ${x=w} ${x:=w} */
	PARAM_ERROR,      /* ${x?w} ${x:?w} */
	PARAM_ALT,        /* ${x+w} ${x:+w} */
	PARAM_TRIM_SS,    /* ${x#p}  shortest prefix */
	PARAM_TRIM_SL,    /* ${x##p} longest prefix */
	PARAM_TRIM_PS,    /* ${x%p}  shortest suffix */
	PARAM_TRIM_PL,    /* ${x%%p} longest suffix */
	PARAM_SUBST,      /* ${x/p/r}  first match (bash) */
	PARAM_SUBST_ALL,  /* ${x//p/r} every match */
	PARAM_SUBST_PRE,  /* ${x/#p/r} match anchored at the start */
	PARAM_SUBST_SUF,  /* ${x/%p/r} match anchored at the end */
	PARAM_UPPER1,     /* ${x^p}  first character upper-cased */
	PARAM_UPPER,      /* ${x^^p} */
	PARAM_LOWER1,     /* ${x,p} */
	PARAM_LOWER,      /* ${x,,p} */
	PARAM_SUBSTR,     /* ${x:off} ${x:off:len} (bash) */
};

struct word;
struct ast_script;

struct word_part {
	enum word_kind kind;
	struct word_part *next;
	union {
		/* LITERAL, QUOTED; TILDE: the user name (len 0: $HOME) */
		struct {
			const char *s;
			size_t len;
		} text;
		/* DQUOTE */
		struct {
			struct word_part *head;
		} dq;
		/* PARAM */
		struct {
			const char *name;   /* NUL-terminated: "x", "10", "@", "?" */
			enum param_op op;
			bool colon;         /* ':' form: also tests for empty */
			struct word *arg;   /* operator's word (pattern, default, offset);
					       NULL when there is none */
			struct word *arg2;  /* SUBST's replacement, SUBSTR's length, or NULL */
		} param;
		/* CMDSUB */
		struct {
			const char *src;    /* the command text (backquotes: unescaped) */
			size_t len;
			int line, col;      /* of its first character */
			bool backquote;
			struct ast_script *tree; /* the parsed program, filled by the
						    parser; NULL: parse and run src */
		} cmd;
		/* ARITH */
		struct {
			struct word *expr;
		} arith;
		/* PROCSUB: the command runs as a node of the job; the word
		 * gets a path the command opens (src/exec/procsub.c) */
		struct {
			const char *src;    /* the list between the parentheses */
			size_t len;
			int line, col;      /* of its first character */
			bool out;           /* >(…): the command writes, the list reads */
			struct edge_spec spec; /* dflt: a plain pipe; path in the arena */
		} procsub;
	} u;
};

struct word {
	struct word_part *head;
	const char *raw;        /* the text as written (for --plan) */
	size_t rawlen;
	int line, col;
	bool literal_only;      /* no expansion part anywhere: fast paths */
	bool bad;               /* word_parse() refused it: no parts; the
				   expander parses raw again to report why */
};

/* word_parse() flags */
enum {
	WORD_F_ASSIGN = 1,      /* an assignment's value: ~ at the start and
				   after each unquoted ':' */
	WORD_F_ASSIGN_WORD = 2, /* a NAME=value word: ~ after the first '='
				   and after each unquoted ':' */
	WORD_F_HEREDOC = 4,     /* a here-document body: only $ ` \ special */
	WORD_F_NO_TILDE = 8,    /* no tilde prefix (arithmetic text) */
	WORD_F_ARITH = 16,      /* raw is "$((" EXPR "))" whose end the caller
				   found ((( )) and for (( ))): one $(( )) part */
};

/* Parse raw[0..len) (line/col: where it starts, for errors). Returns the
 * word, or NULL with *err filled (line, column, message; incomplete for an
 * unterminated construct). */
struct word *word_parse(struct arena *a, const char *raw, size_t len, int line, int col,
			unsigned flags, struct parse_error *err);

/* A readable dump of the tree, for tests and debugging: parts separated by
 * spaces, e.g. L(a) Q(b c) D[Q(x) P(y)] P(x:-[L(d)]) C(`ls`) A[L(1+2)] T(). */
void word_dump(const struct word *w, struct strbuf *out);

#endif
