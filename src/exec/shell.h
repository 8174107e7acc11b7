/* shell.h — the shell's state and the entry points that run parsed text.
 *
 * One shell per process (as in dash): a global `sh`. A forked internal
 * stage or command substitution inherits a copy and may change it freely.
 */
#ifndef IPCSH_SHELL_H
#define IPCSH_SHELL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../parse/ast.h"
#include "../transport/transport.h"
#include "../util/arena.h"

struct strbuf;

enum plan_mode { PLAN_NONE, PLAN_TEXT, PLAN_JSON, PLAN_DOT };
enum stats_mode { STATS_NONE, STATS_TEXT, STATS_JSON };

struct shell {
	/* options (SPEC §2) */
	bool opt_e, opt_x, opt_pipefail, opt_n;
	bool opt_u, opt_f, opt_C;   /* set -u (nounset), -f (noglob), -C (noclobber) */
	bool opt_a, opt_b, opt_m, opt_v; /* set -a (allexport), -b (notify), -m (monitor), -v (verbose) */
	bool opt_H;            /* set -H (histexpand): history expansion at the prompt */
	bool opt_B;            /* set -B (braceexpand): {a,b} {1..3}, on by default as in bash
				  (not shown in $-, whose tests predate it) */
	bool interactive;      /* prompts, readline */
	bool jobctl;           /* job control: own process group per job */
	enum plan_mode plan;
	enum stats_mode stats;
	struct edge_spec dflt_edge; /* -t: what a bare '|' means */
	const char *keyfile;   /* --key: the private key for remote stages */
	bool accept_new_host;  /* --accept-new-host: pin unknown host keys */
	const char *source_name; /* for messages: the script file, "-c", or the `.` file running */

	/* parameters */
	char *arg0;
	char **params;         /* $1..., heap strings */
	int nparams;
	int status;            /* $? */
	int cmdsub_status;     /* status of the last $(...) */
	pid_t last_bg;         /* $!, 0 if none */
	pid_t pid;             /* $$ */
	pid_t pgid;            /* ipcsh's own process group */
	int tty;               /* the controlling terminal (job control), or -1 */

	/* traps: command text per signal; index 0 is EXIT */
	char *traps[NSIG];
	bool in_subshell;      /* a forked child running shell code */
	bool oneshot;          /* running the text of -c: its last command may
				* exec in place of the shell, as in sh */
	/* In a forked child of a pipeline's compound stage: that command and
	 * its node, so that a `for` or `case` hosting substitutions labels
	 * them as --plan does (2.<1), not as a pipeline of its own. */
	const struct ast_cmd *stage_cmd;
	int stage_node;
	char *stage_words;     /* where its substitutions' statuses go for the
				* parent's IPCSH_GRAPHSTATUS (run.child_words) */
	struct strbuf *stage_out; /* echo and printf write here, not to fd 1:
				   * a pipeline's first stage that ipcsh runs
				   * itself (pipeline.c, first_in_shell) */
	int depth;             /* nesting of source / command substitution */
	unsigned long nitems;  /* list items run so far (from 1) */
	/* Where the executor is (for break, continue and return to check,
	 * not to carry control: that travels in struct xs). */
	int loop_depth;        /* loops open in the current function (or top level) */
	int func_depth;        /* function calls open */
	int source_depth;      /* `.` files open */
};

/* What running a command gives back to its caller: a status and a control
 * code that unwinds the call frames up to the construct it is for. */
enum ctl {
	CTL_NONE,
	CTL_BREAK,     /* break n: n loops end */
	CTL_CONTINUE,  /* continue n: n-1 loops end, the n-th goes on */
	CTL_RETURN,    /* return: the function or `.` file ends */
	CTL_EXIT,      /* exit, or an error that ends a non-interactive shell */
	CTL_ABORT,     /* interactive: an expansion error drops the rest of the line */
};

struct xs {
	int status;
	enum ctl ctl;
	int n;                 /* CTL_BREAK, CTL_CONTINUE: loops left to unwind */
};

#define XS(st) ((struct xs){.status = (st), .ctl = CTL_NONE, .n = 0})

/* Flags passed down the tree walk. */
enum {
	EV_TESTED = 1,         /* the status is tested (if/while condition, && ||
				  head, !): set -e does not act on it */
	EV_TOP = 2,            /* the top-level list of a script: set -v echoes
				  each item before it runs (not passed down) */
	EV_LAST = 4,           /* the last command a forked shell runs (a $( ),
				  a ( ) subshell, an & list): a lone program is
				  exec'd in place, as sh does (pipeline_run;
				  kept only down the tail of the list) */
};

extern struct shell sh;

/* Initialise the global shell: variables from environ, $$, signal bookkeeping. */
void shell_init(char **environ_, const char *arg0);

/* Parse and run text as a script named `name` (for messages). Syntax errors
 * print "ipcsh: NAME: line N: ..." and return status 2 without running
 * anything. Returns the status of the last item run and the control code
 * that ended it (break, continue and return pass through, as for eval). */
struct xs shell_run_text(const char *text, size_t len, const char *name, int first_line);

/* shell_run_text for the text of -c: its last command may end the shell by
 * exec'ing in its place, as sh and bash do (sh.oneshot; pipeline.c's
 * exec_in_place_ok says when). */
struct xs shell_run_oneshot(const char *text, size_t len, const char *name);

/* Run a list (a script, or a compound command's body). */
struct xs exec_list(const struct ast_script *s, unsigned flags);

/* Run a command other than a simple one in this shell (no redirections:
 * the caller applies them). A subshell runs in a forked child. */
struct xs exec_compound(const struct ast_cmd *c, unsigned flags);
/* The same, with the command's own redirections applied and undone (a
 * function's body: `f() { ...; } > log`). */
struct xs exec_compound_redir(const struct ast_cmd *c, unsigned flags);

/* Define, find and call shell functions (func.c). */
void func_define(const struct ast_cmd *def);
struct func;
struct func *func_find(const char *name);
int func_unset(const char *name);
struct xs func_call(struct func *f, int argc, char **argv, unsigned flags);
/* Is name a function (for `type`, `command -v`)? */
bool shell_func_exists(const char *name);
/* The source text of a function's definition. */
const char *func_text(const struct func *f);

/* Leave the shell: run the EXIT trap, save history (if interactive), exit(status). */
_Noreturn void shell_exit(int status);

/* Run pending traps (signals caught since the last call). */
void shell_run_pending_traps(void);

/* The line being run ($LINENO, 1 when unset): where the text of eval and
 * $(...) starts counting its lines, as in bash. */
int shell_lineno(void);

/* Command substitution: run its program (the tree the parser made, or
 * its text) in a forked shell and capture stdout (trailing newlines
 * removed). Sets sh.cmdsub_status to its status. */
struct word_part;
char *shell_capture(const struct word_part *cmd);

/* Variables ----------------------------------------------------------- */
enum { VAR_EXPORT = 1, VAR_READONLY = 2 };
const char *var_get(const char *name);
/* IPCSH_GRAPHSTATUS is "LABEL=STATUS", written out when first read. */
void var_graphstatus_lazy(const char *label, size_t len, int status);
/* LINENO is LINE, written out when first looked at. */
void var_lineno_lazy(int line);
/* SECONDS counts from now (shell start). */
void var_dyn_start(void);
/* Set (value copied); flags |= VAR_EXPORT to export. Returns 0/-1 (readonly names). */
int var_set(const char *name, const char *value, unsigned flags);
/* Returns 0, or -1 after a message for a readonly name. */
int var_unset(const char *name);
/* Was name made readonly (`readonly`)? */
bool var_readonly(const char *name);
void var_export(const char *name);
/* A NULL-terminated environment of exported variables, plus extra
 * "NAME=value" assignments (may be NULL) that override. Valid until the
 * next variable change; the caller must not free it. */
char **var_environ(char *const *extra);
/* Call fn for every variable (sorted by name), for `export` and `set`. */
void var_each(void (*fn)(const char *name, const char *value, bool exported, void *ctx), void *ctx);
/* Function scopes, for `local` (as dash and bash): the executor pushes a
 * scope before running a function's body and pops it after, whatever the
 * body's outcome. var_make_local(name) makes name local to the innermost
 * scope: it starts unset (keeping its export attribute) and gets back its
 * value when the scope is popped. Returns 0, or -1 (errno EINVAL) outside
 * any scope, or -1 after a message for a readonly name. */
void var_scope_push(void);
void var_scope_pop(void);
int var_make_local(const char *name);
/* How many scopes are pushed (0: not in a function). */
int var_scope_depth(void);
/* Names starting with prefix (for completion); returns a malloc'd NULL-terminated array of malloc'd names. */
char **var_names(const char *prefix);

/* Search $PATH for name (which has no '/'): the first regular file that is
 * executable (want_exec) or merely exists. Returns a malloc'd path or NULL;
 * when denied is given and nothing executable was found, *denied is the
 * first match that was not executable (malloc'd) or NULL. */
char *path_search(const char *name, bool want_exec, char **denied);

/* An undo log of variable changes: every change after begin is put back
 * by rollback(mark) (nested logs roll back in order). For prefix
 * assignments seen by the ones after them (`A=1 B=$A cmd`) and for the
 * expansions of a background pipeline, which run in a subshell
 * environment (`echo ${b=2} &` leaves b unset). */
size_t var_journal_begin(void);
void var_journal_rollback(size_t mark);
/* The same search in the directories of pathvar (a PATH value), not
 * cached: `command -p`. Returns a malloc'd path or NULL. */
char *path_search_in(const char *name, const char *pathvar);
/* The remembered commands (`hash`): call fn for each name and its path;
 * forget all; remember name (searching $PATH: 0, or -1 not found). */
void path_hash_each(void (*fn)(const char *name, const char *path, void *ctx), void *ctx);
void path_hash_clear(void);
int path_hash_add(const char *name);
/* How often the remembered name was used (0 if not remembered). */
unsigned path_hash_hits(const char *name);

/* Positional parameters */
void params_set(char **argv, int n);   /* copies */

#endif
