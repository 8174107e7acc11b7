/* transport.h — how bytes travel along one edge of a pipeline.
 *
 * Two layers:
 *  - the edge *spec* (pure data, checked at parse time without asking the
 *    system): which transport, which options with which values;
 *  - the transport *ops* (one file per transport): phase 1 `prepare` creates
 *    the objects and checks system limits, before any stage of the pipeline
 *    starts; optional relays (forked children of ipcsh, in the job's process
 *    group) move bytes between a plain pipe and the transport's object, so
 *    the executor hands every stage a plain fd and never special-cases a
 *    transport.
 *
 * Wiring done by the executor (src/exec/pipeline.c), the one place fds meet:
 *   producer stdout = relay_in ? pipe->relay_in : e->wfd
 *   consumer stdin  = relay_out ? relay_out->pipe : e->rfd
 */
#ifndef IPCSH_TRANSPORT_H
#define IPCSH_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../util/util.h"

#include "spec.h"

/* Per-edge counters, in a MAP_SHARED page so relays (forked children)
 * can update them and the parent read them after the pipeline ends. */
struct edge_stats {
	uint64_t bytes;     /* payload bytes delivered */
	uint64_t msgs;      /* messages (mq) */
	uint64_t t_first;   /* now_ns() of the first byte, 0 if none */
	uint64_t t_last;    /* now_ns() at end of stream */
	int counted;        /* 1 once some relay counted this edge */
};

/* One edge of a pipeline being run. */
struct edge {
	int index;                  /* edge between stage index and index+1, from 1 */
	pid_t producer_pid;         /* set by the executor once the producer stage runs (0: unknown) */
	struct edge_spec spec;      /* resolved (-t applied) */
	const struct transport_ops *ops;
	int wfd, rfd;               /* producer writes wfd; consumer reads rfd; -1 when unused */
	void *priv;                 /* transport state, freed by release */
	struct edge_stats *stats;   /* shared page; never NULL while running */
	bool want_stats;            /* --stats: count bytes */
	char actual[160];           /* options actually obtained, for -x / --stats ("size=1M") */
	char ends[56];              /* its two ends when not index->index+1: "2.<1->2" for
				       a process substitution's edge (src/exec/procsub.c) */
	bool in_thread;             /* relay_out runs as a thread of the consumer
				       stage (src/exec/outthread.c): it leaves the
				       process's signal dispositions alone */
};

struct transport_ops {
	const char *name;
	/* Phase 1, in ipcsh before any stage starts: create the objects,
	 * resolve options against system limits, set wfd/rfd (close-on-exec)
	 * unless the transport uses relays, fill e->actual. On failure: -1
	 * with a message naming the limit in err ("msgsize 65536 exceeds
	 * /proc/sys/fs/mqueue/msgsize_max (8192): use a smaller msgsize or
	 * another transport"); everything created so far is undone. */
	int (*prepare)(struct edge *e, struct errbuf *err);
	/* Relays, each run in a forked child of ipcsh (NULL: none on that side).
	 * relay_in copies from fd `in` (the producer's pipe) into the object;
	 * relay_out copies from the object to fd `out` (the consumer's pipe).
	 * They return the relay's exit status: 0 ok; non-zero after printing a
	 * message ("ipcsh: edge 1->2 (shm): ..."). When the consumer side is
	 * gone, relay_in must stop so the producer gets EPIPE/SIGPIPE. They
	 * count bytes into e->stats when e->want_stats. */
	int (*relay_in)(struct edge *e, int in);
	int (*relay_out)(struct edge *e, int out);
	/* fds the relay on `side` (0 in, 1 out) needs kept open in its child,
	 * besides its in/out fd; returns how many it wrote (<= max). */
	int (*relay_fds)(const struct edge *e, int side, int *fds, int max);
	/* Optional: ipcsh itself is the producer (a built-in that is the
	 * first stage, src/exec/pipeline.c) and writes into the object in
	 * place of relay_in, which then never runs. write_in writes up to n
	 * bytes of buf: with wait, all of them (sleeping for room); without,
	 * what goes at once (0 when full). Returns how many, or -1: errno
	 * EPIPE when the consumer side is gone, else an error, said.
	 * close_in then ends the stream: 0 done, 1 not yet (full, !wait),
	 * -1 as write_in. Both in ipcsh, before release(). */
	ssize_t (*write_in)(struct edge *e, const char *buf, size_t n, bool wait);
	int (*close_in)(struct edge *e, bool wait);
	/* Optional. Called in ipcsh when the executor has made the pipe
	 * between a relay and its stage, before any stage starts: `fd` is the
	 * stage's end (side 0: the producer's write end, 1: the consumer's read
	 * end). shm binds the name a ring-aware program asks for the ring by
	 * (ringproto.h); failing to is not an error (the relay stays). */
	void (*stage_pipe)(struct edge *e, int side, int fd);
	/* After all stages started (or after a failure): close the parent's
	 * copies, unlink what is named, free priv. Called once per prepared edge. */
	void (*release)(struct edge *e);
	/* Optional (NULL: nothing to do). Called once per prepared edge, in
	 * ipcsh, when the pipeline has ended (every stage and relay reaped),
	 * after release(): removes names that stay visible for the pipeline's
	 * lifetime (`fifo:path=P` that ipcsh created) and frees what release()
	 * kept in e->priv for that. If it is never called, the guardian still
	 * removes such names when ipcsh exits. */
	void (*finish)(struct edge *e);
	/* Optional. Called once in ipcsh when the consumer stage of this edge
	 * has been reaped (the foreground wait, `wait`, or the reaping before a
	 * prompt), on a copy of the released edge whose stats is NULL; finish()
	 * comes later on the same copy. Lets a transport whose consumer holds
	 * the object directly stop the producer the way a pipe does. */
	void (*consumer_exit)(struct edge *e);
	/* --stats on an edge without relays: true to count on the producer's
	 * side (producer -> pipe -> counting relay -> wfd, the consumer keeps
	 * rfd itself), false for the consumer's side (wfd stays the
	 * producer's; rfd -> counting relay -> pipe -> consumer). Either way
	 * one stage sees a pipe instead of the object: sock counts on the
	 * producer's side so that the consumer still reads a socket, and one
	 * large send per chunk beats the skb per block the producer would send. */
	bool count_at_producer;
	/* relay_out may run as a thread of a consumer stage that is a forked
	 * ipcsh (src/exec/outthread.c) instead of a process: it then touches
	 * no process-wide state but with e->in_thread unset (SIGPIPE). */
	bool out_thread;
	/* Optional, with out_thread, in the consumer stage before the thread
	 * starts: tell the producer's side that the consumer holds the object
	 * itself, so that the stage dying is a reader gone, not a relay dead. */
	void (*out_thread_begin)(struct edge *e);
	/* With out_thread: the consumer stage ends while its thread still
	 * relays: what relay_out does when the consumer's pipe says EPIPE
	 * (relay_in stops, the producer gets SIGPIPE). */
	void (*reader_gone)(struct edge *e);
	/* Optional, with out_thread, in the consumer stage before any thread:
	 * move what the object holds into `out` (an empty pipe that takes
	 * `room` bytes: nothing blocks), without waiting. 1: the stream ended and
	 * all of it is in the pipe (no thread needed: the caller closes out);
	 * 0: more may come (the thread goes on from here); -1: an error, said. */
	int (*relay_out_try)(struct edge *e, int out, size_t room);
};

extern const struct transport_ops transport_pipe, transport_fifo, transport_sock,
	transport_mq, transport_shm, transport_msg, transport_sysvshm, transport_mmap,
	transport_dgram, transport_seqpacket, transport_tcp;

/* The ops for a kind. */
const struct transport_ops *transport_ops_for(enum edge_kind k);

/* A pipe for ipcsh's own plumbing (relay sides, stats): close-on-exec,
 * sized up to `want` bytes within ipcsh's share of the per-user pipe budget,
 * quietly smaller when the budget is used. Returns 0/-1. Give the share
 * back with pipe_budget_release(bytes) (pipe_make returns the size got in *got). */
int pipe_make(int fds[2], uint64_t want, uint64_t *got) WUR;
void pipe_budget_release(uint64_t bytes);

/* A relay that copies in -> out counting bytes into st (splice when both
 * allow it, read/write into a socket or when splice refuses); used for
 * --stats on edges that have no relay of their own. After a short chunk it
 * naps 50 us so that small writes travel on in large chunks. Stops on
 * EPIPE, or on a SIGPIPE sent to it while blocked (transport sock).
 * Returns 0, or 1 after a message. */
int relay_count(int in, int out, struct edge_stats *st, const char *what);

/* The edge's two ends as messages name them: e->ends, else "I->I+1". */
void edge_ends(const struct edge *e, char *buf, size_t len);

#endif
