/* runner.h — what src/exec/pipeline.c and src/exec/procsub.c share: one
 * job being run as a graph of nodes joined by edges.
 *
 * Nodes are numbered in one sequence: the pipeline's stages 0..n-1, then
 * its process substitutions n, n+1, ... in the order their words were
 * expanded. Edges too: the pipeline's edges 1..n-1 (edge i joins stages
 * i-1 and i), then one per substitution, numbered as its node. A process
 * of the job (struct proc) carries the node index of what it runs, or the
 * edge index for a relay. Private to src/exec/.
 */
#ifndef IPCSH_RUNNER_H
#define IPCSH_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../parse/ast.h"
#include "../transport/transport.h"
#include "../util/arena.h"
#include "../util/util.h"
#include "expand.h"
#include "redir.h"

enum stage_kind {
	SK_NONE,      /* assignments and redirections only */
	SK_NOTFOUND,  /* a program not found or not runnable: says why where
		       * its stderr goes, then ends with 127 or 126 */
	SK_EXEC,      /* a program */
	SK_BUILTIN,   /* a built-in (src/builtin/) */
	SK_FLOW,      /* break, continue, return, exit, eval, ., exec (flow.c) */
	SK_FUNC,      /* a shell function */
	SK_COMPOUND,  /* { }, ( ), if, while, until, for, case, NAME() */
	SK_REMOTE,    /* @host cmd */
};

struct rstage {
	const struct ast_cmd *ast;
	enum stage_kind kind;
	struct strvec argv;
	struct strvec assigns;
	char *remote;
	const char *path;             /* SK_EXEC: resolved program */
	const struct builtin *bi;
	const struct flow_builtin *flow;
	struct func *fn;
	struct fdacts fa;
	int in_fd, out_fd;            /* from edges, -1 = inherit */
	bool fg_here;                 /* runs in ipcsh itself (a lone stage) */
	bool expand_failed;           /* its words did not expand: status 1, as
				       * the subshell it is would end */
	bool in_shell;                /* the first stage, run by ipcsh itself
				       * (first_in_shell) */
	struct strbuf out;            /* in_shell: its output, to write, */
	size_t out_off;               /* how much of it is written, */
	bool out_done;                /* and whether all and its end */
	int preset;                   /* status when not started, -1 otherwise */
	int node;                     /* node index (see above) */
	int cmdsub;                   /* the status of its last $( ), for SK_NONE */
	const char *why;              /* SK_NOTFOUND: the message, */
	int why_status;               /* and the status (127, 126) */
};

struct redge {
	struct edge e;
	bool prepared, released;
	int prod_fd, cons_fd;         /* what the stages get */
	int relay_in_fd, relay_out_fd, count_in, count_out;
	bool count_producer;          /* the counting relay writes into the object */
	bool direct_in;               /* ipcsh writes into the object itself
				       * (write_in): no relay_in */
	bool no_handover[2];          /* the producer's [0] / consumer's [1]
				       * stage cannot ask for the object
				       * (a built-in): no stage_pipe */
	uint64_t budget[2];           /* pipe budget taken for our own pipes */
	bool out_thread;              /* relay_out runs as a thread of the
				       * consumer stage (outthread.c), not as
				       * a process */
	int tried;                    /* in that stage: relay_out_try's answer */
};

struct psub;

#define CHILD_WORDS_LEN 1024

struct run {
	struct arena a;
	const struct ast_pipeline *p;
	size_t n;
	struct rstage *st;
	struct redge *ed;
	struct edge_stats *stats;     /* MAP_SHARED, n-1 entries */
	struct job *job;
	pid_t pgid;
	bool fg;
	unsigned flags;               /* EV_* for stages that run shell code */
	uint64_t t0;
	struct psub **subs;           /* process substitutions (procsub.c), node n + k */
	size_t nsubs, capsubs;
	bool graph_failed;            /* a substitution's edge could not be prepared */
	int label_base;               /* node k is labelled k + 1 + label_base (a for
				       * or case stage's own words, words_graph_open) */
	char *child_words;            /* n * CHILD_WORDS_LEN: what a for or case
				       * stage's own substitutions ended with, as
				       * IPCSH_GRAPHSTATUS words (MAP_SHARED when
				       * the stages are forked: child_words_shared) */
	bool child_words_shared;
	bool words_host;              /* a for or case command's own words
				       * (words_graph_open): its substitutions
				       * are numbered from 1 */
	bool near;                    /* its one forked process starts on ipcsh's CPU
				       * (pipeline.c, near_begin) */
	/* Last, and not zeroed by pipeline_run (128 bytes of a struct made
	 * for every command): set by sig_child_default_set before a stage
	 * starts. */
	sigset_t child_dflt;          /* signals exec'd stages get reset to default */
};

/* Expand a stage's words, assignments and remote host (pipeline.c).
 * assign_now: a command of assignments only sets them as it goes. 0/-1. */
int stage_expand(struct run *r, struct rstage *s, bool assign_now);
/* What a stage is (program, built-in, ...); a program is looked up, and
 * one not found gets s->preset 127/126 after a message. */
void stage_classify(struct run *r, struct rstage *s);
/* Start a stage's process into r->job (posix_spawn or fork); a stage
 * that cannot start gets s->preset. Closes the stage's owned fds. */
void stage_spawn(struct run *r, struct rstage *s);
/* Prepare one edge with the resolved spec sp: the transport's objects,
 * relay and counting pipes; prod_fd/cons_fd are what the two ends get.
 * pipe_side 0 or 1: the producer's or consumer's end must not be a
 * socket (it is opened by a path), -1: either may. 0, or -1 after a
 * message (what was made is undone by redge_release). */
int redge_prepare(struct redge *e, const struct edge_spec *sp, int index, struct edge_stats *st,
		  int pipe_side);
/* Close ipcsh's copies of an edge's fds and release its transport. Safe
 * to call again. */
void redge_release(struct redge *e);
/* Fork the relay of side 0 (in), 1 (out) or 2 (counting) of an edge. */
void spawn_relay(struct run *r, struct redge *e, int side);

#endif
