/* procsub.h — process substitution: <(list), >(list), <[EDGE](list),
 * >[EDGE](list) as nodes of the job's graph (src/exec/procsub.c).
 *
 * While the executor expands a command's words and redirections, a
 * substitution found there becomes a node of the job (node n + k, after
 * the pipeline's n stages) with its own edge to the command that holds it
 * (the host): the edge is prepared at once through its transport, the
 * host's end is an fd >= 10 of ipcsh, and the word gets "/dev/fd/N" for
 * it. The node starts with the pipeline's stages, in the job's process
 * group; ipcsh's copies of the edge are released with the pipeline's.
 */
#ifndef IPCSH_PROCSUB_H
#define IPCSH_PROCSUB_H

#include <spawn.h>
#include <stdbool.h>

#include "runner.h"

/* Substitutions are collected for r between procsub_open() and
 * procsub_close() (scopes nest: a node's words are expanded inside its
 * host's). procsub_host() says whose words are being expanded. */
struct procsub_scope {
	struct run *r;
	int host;
	struct procsub_scope *prev;
};
void procsub_open(struct run *r, struct procsub_scope *sc);
void procsub_host(struct procsub_scope *sc, int node);
void procsub_close(struct procsub_scope *sc);
/* In a forked child: no scope of the parent's applies. */
void procsub_forget(void);

/* The host fds of node's substitutions, inherited at the same numbers by
 * the program posix_spawn starts (fa), or, in a forked child, kept open
 * across the exec of whatever it runs. */
void procsub_spawn_actions(const struct run *r, int node, posix_spawn_file_actions_t *fa);
void procsub_child_keep(const struct run *r, int node);

/* How many processes procsub_spawn will start (nodes and relays). */
size_t procsub_nprocs(const struct run *r);
/* Start every substitution's node and relays into r->job. */
void procsub_spawn(struct run *r);
/* Close ipcsh's host fds and release every substitution's edge (again: no-op). */
void procsub_release(struct run *r);
/* Keep the host fds of node's substitutions open across exec for what
 * runs in ipcsh itself (a function's programs open "$1"); close the others. */
void procsub_hand_to_host(struct run *r, int node);
/* The edge of a substitution by its index (>= n), and the nodes at its ends. */
struct redge *procsub_edge(struct run *r, int index, int *prod, int *cons);
/* Set IPCSH_GRAPHSTATUS from r->job (every node as LABEL=STATUS in plan
 * order) and return the pipeline's status: status, or with pipefail the
 * rightmost non-zero of the graph. Without a job, node 1 is status. */
int procsub_status(struct run *r, bool pipefail, int status);
/* IPCSH_GRAPHSTATUS was just set for a compound command's own words
 * (words_graph_close): the next procsub_status, that command's own lone
 * stage, leaves it. */
void procsub_status_keep(void);
/* In the forked child of a for or case stage: the substitutions of r (its
 * own words) as IPCSH_GRAPHSTATUS words into buf[len], for the parent. */
void procsub_child_words(const struct run *r, char *buf, size_t len);
/* Append one -x line per substitution (PS4 given). */
void procsub_trace(const struct run *r, const char *ps4, struct strbuf *sb);
/* The pipeline is over: release what is left, finish edges no job kept,
 * unmap the statistics. */
void procsub_abandon(struct run *r);

#endif
