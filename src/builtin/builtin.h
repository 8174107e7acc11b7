/* builtin.h — built-in commands (SPEC §3).
 *
 * A built-in runs in ipcsh itself when it is a pipeline's only stage (so
 * `cd` and `export` change the shell), and in a forked child of ipcsh
 * inside a multi-stage pipeline, as in other shells. Built-ins write to
 * fds 1 and 2 directly (no stdio buffers to lose or double in a fork). */
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

/* The built-in called name, or NULL. */
const struct builtin *builtin_find(const char *name);
/* The table, NULL-name terminated (help, completion). */
const struct builtin *builtin_table(void);
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
