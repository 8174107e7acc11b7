/* msgchan.h — one relay pair for every transport that carries messages
 * (mq, msg, dgram, seqpacket). Shared by the transport files only.
 *
 * relay_in reads the producer's pipe without blocking and cuts what it
 * holds into messages with mq_cut() (raw: full messages while input keeps
 * coming, a partial one when it goes idle; `lines`: whole lines, SPEC §4);
 * relay_out gathers the messages it can receive without waiting into one
 * write to the consumer. The end of the stream is a zero-length message, or
 * for an object with an EOF of its own (seqpacket) that EOF, announced on
 * the liveness socket first so a relay that died is told from one that
 * finished. Both relays watch the liveness socket: relay_out says "reader
 * gone" when the consumer leaves and relay_in stops (the producer then gets
 * SIGPIPE); a relay that dies is reported by the other.
 *
 * A transport fills a struct msgchan (the first member of its e->priv) and
 * uses msgchan_relay_in/out/fds as its ops. */
#ifndef IPCSH_MSGCHAN_H
#define IPCSH_MSGCHAN_H

#include "internal.h"

struct msgchan;

struct msgchan_ops {
	/* Send one message of n bytes (n == 0: the end marker). 0, or -1 with
	 * errno: EAGAIN (full; only with a pollable fd), EINTR (a tick),
	 * anything else is an error. */
	int (*send)(struct msgchan *c, const char *m, size_t n);
	/* Receive one message into buf (cap >= msgsize): its length (0: the
	 * end marker, or EOF), or -1 with errno EAGAIN (none ready, when !wait
	 * or with a pollable fd) or EINTR (a tick, when waiting). `wait` is
	 * only set for an object without a pollable fd. */
	ssize_t (*recv)(struct msgchan *c, char *buf, size_t cap, bool wait);
};

struct msgchan {
	const struct msgchan_ops *ops;
	int fd[2];       /* the object's fd for relay_in [0] / relay_out [1], pollable; -1: none (ticks) */
	int live[2];     /* liveness pair: [0] relay_in's end, [1] relay_out's */
	size_t msgsize;
	bool lines;
	bool eof_end;    /* the stream ends with the object's EOF (seqpacket) */
	void (*shut)(struct msgchan *c); /* eof_end: how relay_in ends the stream */
	/* Optional, in relay_out once the consumer has left (after "reader
	 * gone" was said): wake a relay_in blocked in a call without an fd. */
	void (*reader_gone)(struct msgchan *c);
	bool cons_direct; /* relay_in: relay_out is a thread of the consumer
			     stage (LIVE_DIRECT) */
};

/* Set up the liveness pair and the defaults. 0/-1 (errno). */
int msgchan_init(struct msgchan *c, const struct msgchan_ops *ops, size_t msgsize, bool lines) WUR;
/* Close the parent's liveness ends. */
void msgchan_release(struct msgchan *c);

int msgchan_relay_in(struct edge *e, int in);
int msgchan_relay_out(struct edge *e, int out);
void msgchan_reader_gone(struct edge *e); /* transport_ops.reader_gone */
void msgchan_out_thread_begin(struct edge *e); /* transport_ops.out_thread_begin */
int msgchan_relay_out_try(struct edge *e, int out, size_t room); /* transport_ops.relay_out_try */
int msgchan_relay_fds(const struct edge *e, int side, int *fds, int max);
ssize_t msgchan_write_in(struct edge *e, const char *buf, size_t n, bool wait);
int msgchan_close_in(struct edge *e, bool wait);

/* How often a relay blocked in a call without an fd looks at its peer. */
#define MSGCHAN_TICK_MS 100

#endif
