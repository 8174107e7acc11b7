/* ast.h — the parse tree of a script (SPEC §3): a typed tree of commands.
 *
 *   ast_script   a list: items run in order (';', newline) or in the
 *                background ('&'); the whole script, and the body of every
 *                compound command
 *   ast_item     one and-or list of pipelines joined by && and ||
 *   ast_pipeline commands joined by edges ('|', '|[shm]', ...)
 *   ast_cmd      one command: simple, or compound (group, subshell, if,
 *                while/until, for, case) or a function definition; any of
 *                them may carry redirections and stand in a pipeline
 *
 * Everything is allocated in the arena passed to parse_script() and freed
 * with it. Every word is parsed once, here, into the typed parts of
 * word.h (literal, quoted, parameter, command substitution with its own
 * parsed program, arithmetic, tilde); struct word keeps the raw text too
 * (the source of the word minus backslash-newline pairs outside single
 * quotes), for --plan and messages. The expander (src/exec/expand.c) walks
 * the parts and never scans text again.
 */
#ifndef IPCSH_AST_H
#define IPCSH_AST_H

#include <stdbool.h>
#include <stddef.h>

#include "../transport/spec.h"

struct word; /* word.h */

enum redir_op {
	REDIR_IN,      /* [n]<word      n defaults to 0 */
	REDIR_OUT,     /* [n]>word      n defaults to 1 */
	REDIR_APPEND,  /* [n]>>word     1 */
	REDIR_DUPOUT,  /* [n]>&word     1; word is a raw word naming an fd (expanded at run time) */
	REDIR_DUPIN,   /* [n]<&word     0 */
	REDIR_CLOSE,   /* [n]>&- or [n]<&-  (1 or 0) */
	REDIR_HEREDOC, /* [n]<<DELIM, [n]<<-DELIM   0 */
	REDIR_RDWR,    /* [n]<>word     0: open for reading and writing, created if missing */
	REDIR_HERESTR, /* [n]<<<word    0: the expanded word and a newline (bash's here-string) */
	REDIR_CLOBBER, /* [n]>|word     1: as >, even under set -C */
};

struct ast_redir {
	int fd;
	enum redir_op op;
	char *word;        /* raw target word; HEREDOC: the delimiter after quote removal */
	struct word *target; /* the target word, parsed (not for HEREDOC) */
	char *body;        /* HEREDOC: the body, delimiter line removed (<<-: leading tabs stripped) */
	struct word *bodyw;  /* HEREDOC with an unquoted delimiter: the body, parsed */
	bool body_quoted;  /* HEREDOC: delimiter was quoted: the body is literal */
	struct ast_redir *next;
};

struct ast_script;
struct ast_cmd;

enum cmd_kind {
	CMD_SIMPLE,    /* [@remote] assignments words redirections */
	CMD_GROUP,     /* { list; } */
	CMD_SUBSHELL,  /* ( list ) */
	CMD_IF,        /* if list; then list; [elif ...] [else list;] fi */
	CMD_WHILE,     /* while list; do list; done */
	CMD_UNTIL,     /* until list; do list; done */
	CMD_FOR,       /* for NAME [in words]; do list; done */
	CMD_CASE,      /* case word in [(]pat[|pat]) list ;; ... esac */
	CMD_FUNCDEF,   /* NAME() compound-command, function NAME [()] compound-command */
	CMD_ARITH,     /* (( expression )) (bash): true when it is not 0 */
};

struct ast_if {
	struct ast_script *cond, *then;
	struct ast_script *els;      /* else part, or NULL; elif is an if inside it */
};

struct ast_loop {                    /* while, until */
	struct ast_script *cond, *body;
};

struct ast_for {
	char *name;
	bool has_in;                 /* false: over "$@" */
	struct word **words;
	size_t nwords;
	struct ast_script *body;
	/* for (( init; cond; step )) (bash), name NULL: each a word of one
	 * $(( )) part, or NULL where the expression is empty */
	bool arith;
	struct word *init, *cond, *step;
};

enum case_end { CASE_BREAK /* ;; */, CASE_FALL /* ;& */, CASE_NEXT /* ;;& */ };

struct ast_case_item {
	struct word **pats;
	size_t npats;
	struct ast_script *body;     /* may be empty */
	enum case_end end;
};

struct ast_case {
	struct word *word;
	struct ast_case_item *items;
	size_t nitems;
};

struct ast_func {
	char *name;
	struct ast_cmd *body;        /* a compound command with its redirections */
};

struct ast_cmd {
	enum cmd_kind kind;
	int line, col;
	struct ast_redir *redirs;    /* in source order; on any kind */
	char *text;                  /* source text of a compound command (plan, messages) */
	/* CMD_SIMPLE */
	char *remote;            /* raw text after '@' ("host", "host:7433", "[::1]:7433", "ssh:user@h"), or NULL */
	struct word **assigns;   /* "NAME=value" words written before the command */
	size_t nassigns;
	struct word **words;     /* nwords may be 0 (only assignments and/or redirections) */
	size_t nwords;
	/* compound commands */
	union {
		struct ast_script *body; /* CMD_GROUP, CMD_SUBSHELL */
		struct ast_if *if_;
		struct ast_loop *loop;
		struct ast_for *for_;
		struct ast_case *case_;
		struct ast_func *func;
		struct word *arith;      /* CMD_ARITH: one $(( )) part; NULL: empty */
	} u;
};


enum time_kind {
	TIME_NONE,
	TIME_BASH,                /* `time`: in $TIMEFORMAT, or bash's format */
	TIME_POSIX,               /* `time -p`: in POSIX's format */
};

struct ast_pipeline {
	bool bang;                /* leading '!' (an odd number of them) */
	enum time_kind timed;     /* leading `time` (src/exec/timing.c) */
	size_t nstages;           /* >= 1 */
	struct ast_cmd *stages;
	struct edge_spec *edges;  /* nstages - 1; edges[i] joins stages[i] and stages[i+1] */
	char *text;               /* source text of the pipeline, for jobs and messages */
	int line;
};

enum andor_op { ANDOR_NONE, ANDOR_AND, ANDOR_OR };

struct ast_andor {
	size_t n;                 /* >= 1 */
	struct ast_pipeline *pipes;
	enum andor_op *ops;       /* ops[0] = NONE; ops[i] joins pipes[i-1] and pipes[i] */
};

struct ast_item {
	struct ast_andor andor;
	bool background;          /* ended by '&' */
	char *text;               /* source text of the item (without the '&'/';') */
	int line;
	size_t end;               /* source offset just past the item and its ';' or '&' */
};

/* A list: a whole script, or the body of a compound command. */
struct ast_script {
	size_t nitems;
	struct ast_item *items;
};

#endif
