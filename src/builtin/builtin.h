/* builtin.h — built-in commands (SPEC §3): the public face of src/builtin/.
 *
 * A built-in runs in ipcsh itself when it is a pipeline's only stage (so
 * `cd` and `export` change the shell), and in a forked child of ipcsh
 * inside a multi-stage pipeline, as in other shells. Built-ins write to
 * fds 1 and 2 directly (no stdio buffers to lose or double in a fork).
 * One file per built-in or small family; src/builtin/internal.h lists them. */
#ifndef IPCSH_BUILTIN_H
#define IPCSH_BUILTIN_H

#include <stdbool.h>

typedef int builtin_fn(int argc, char **argv);

struct builtin {
	const char *name;
	builtin_fn *fn;
	const char *usage;
	const char *help;
};

/* The built-in called name, or NULL (a binary search: cheap in loops). */
const struct builtin *builtin_find(const char *name);
/* The table, sorted by name, NULL-name terminated (help, completion). */
const struct builtin *builtin_table(void);

/* The shared option parser of every built-in: POSIX getopt(3) semantics
 * on a caller-owned state, so built-ins nest (eval inside getopts...).
 * Options are letters in opts, a ':' after one that takes an argument
 * (clustered "-ab", "-ofile" and "-o file" alike); "--" ends the options
 * and is skipped; "-" and the first word not starting with '-' are
 * operands. opts starting with ':' is silent (no message; ':' is returned
 * for a missing argument); then '+' lets "+x" words through as options
 * too (the sign is in g->sign). Returns the letter, -1 at the end
 * (g->ind is the first operand), or '?' (g->opt is the offending letter)
 * after "ipcsh: NAME: -x: invalid option" unless silent. */
struct bopt {
	int ind;     /* next word of argv; start at 1 */
	int pos;     /* position inside a cluster; 0 between words */
	char sign;   /* '-' or '+' of the option returned */
	int opt;     /* the option letter (also on errors) */
	char *arg;   /* the option's argument */
};
#define BOPT_INIT {1, 0, '-', 0, 0}
int builtin_getopt(struct bopt *g, int argc, char **argv, const char *opts);

/* The value of alias name, or NULL: for the lexer, which expands aliases
 * as lines are read (POSIX XCU 2.3.1). Valid until the alias changes. */
const char *alias_get(const char *name);
/* A number that changes whenever an alias is defined or removed: text
 * parsed before the change is parsed again (src/exec/run.c). */
unsigned long alias_generation(void);

/* Is name a shell function? Forget the function name (none: nothing
 * happens). Defined by the executor (command -v, type, unset -f). */
bool shell_func_exists(const char *name);
void shell_func_unset(const char *name);

/* The flags for "$-": the letters of the set options that are on, in
 * set's order, then 'i' when interactive. A static buffer rebuilt on each
 * call (no allocation). */
const char *shell_flags_string(void);

/* Turn an option of `set` on (sign '-') or off ('+'), by letter or, when
 * name is given, by -o name. Returns 0, or -1 if there is no such option
 * (no message). set.c; main.c's options use it too. */
int shell_option_set(char sign, char letter, const char *name);

/* The job built-ins (jobs.c). */
int bi_jobs(int argc, char **argv);
int bi_fg(int argc, char **argv);
int bi_bg(int argc, char **argv);
int bi_kill(int argc, char **argv);
int bi_wait(int argc, char **argv);
int bi_disown(int argc, char **argv);

/* printf to fd 1 / fd 2 in one write. */
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void err_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
