/* pipeline.h — run one pipeline: expand, prepare every edge (phase 1),
 * start every process (phase 2), wait. */
#ifndef IPCSH_PIPELINE_H
#define IPCSH_PIPELINE_H

#include <stdbool.h>

#include "../parse/ast.h"
#include "shell.h"

/* Run p; background: as a job with '&'. Returns the pipeline's status
 * (before '!' negation) and, for a stage that ran in ipcsh itself (a
 * built-in, a function, a compound command), its control code. flags:
 * EV_* (shell.h). */
struct xs pipeline_run(const struct ast_pipeline *p, bool background, unsigned flags);

/* Fork a child of ipcsh that runs shell code (a background and-or list,
 * a subshell). In the child, returns 0; in the parent, the pid (or -1).
 * The child joins pgid when job control is on (0: a new group). */
/* near: ipcsh will only wait for this child (or read what it writes): it
 * starts on ipcsh's CPU (pipeline.c, near_begin). */
pid_t shell_fork(pid_t pgid, bool foreground, bool near);

/* Substitutions in a compound command's own words (for's list, case's
 * word and patterns): open before they are expanded, start after (-1: an
 * edge failed, after a message; nothing started), close when the command
 * ends (waits for them; returns the status, with pipefail a failed
 * substitution's). Close also after an expansion error. */
struct words_graph;
/* How many substitutions the words of c hold if it is a for or case (its
 * own graph's, words_graph_open), as --plan counts them; else 0 (compound.c). */
int compound_word_procsubs(const struct ast_cmd *c);
struct words_graph *words_graph_open(const struct ast_cmd *c);
int words_graph_start(struct words_graph *g);
int words_graph_close(struct words_graph *g, int status);

#endif
