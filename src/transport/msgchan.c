/* msgchan.c — the relay pair of the message transports (see msgchan.h). */
#include "msgchan.h"
#include "mqlines.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What relay_in says on the liveness socket right before it ends a stream
 * that ends with the object's EOF. */
#define LIVE_END 'E'

int msgchan_init(struct msgchan *c, const struct msgchan_ops *ops, size_t msgsize, bool lines)
{
	c->ops = ops;
	c->fd[0] = c->fd[1] = -1;
	c->msgsize = msgsize;
	c->lines = lines;
	return live_make(c->live);
}

void msgchan_release(struct msgchan *c)
{
	close(c->live[0]);
	close(c->live[1]);
	c->live[0] = c->live[1] = -1;
}

int msgchan_relay_fds(const struct edge *e, int side, int *fds, int max)
{
	const struct msgchan *c = e->priv;
	int n = 0;
	if (!c || max < 2)
		return 0;
	fds[n++] = c->live[side ? 1 : 0];
	if (c->fd[side ? 1 : 0] >= 0)
		fds[n++] = c->fd[side ? 1 : 0];
	return n;
}

/* ---- relay_in ---- */

/* What the consumer side says: 0 go on, 1 reader gone, -1 it died. */
static int in_live(struct edge *e, struct msgchan *c)
{
	int l = live_peek(c->live[0], &c->cons_direct);
	if (l == 2) {
		relay_msg(e, "the consumer-side relay died");
		return -1;
	}
	return l;
}

/* Send one message, waiting for room. 0 sent, 1 reader gone, -1 error. */
static int in_send(struct edge *e, struct msgchan *c, const char *m, size_t n)
{
	for (;;) {
		if (c->ops->send(c, m, n) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR) {
			/* A socket whose reader left refuses before we hear why. */
			int err = errno, l = live_peek(c->live[0], &c->cons_direct);
			if (l == 1)
				return 1;
			if (l == 2)
				relay_msg(e, "the consumer-side relay died");
			else
				relay_msg(e, "cannot send a message: %s", strerror(err));
			return -1;
		}
		struct pollfd pf[2] = {{c->live[0], POLLIN, 0}, {c->fd[0], POLLOUT, 0}};
		int np = errno == EAGAIN && c->fd[0] >= 0 ? 2 : 1;
		/* Full with an fd: sleep until room or word from the peer. A
		 * tick of a blocking call: only look at the peer. */
		if (poll(pf, (nfds_t)np, np == 2 ? -1 : 0) < 0 && errno != EINTR) {
			relay_msg(e, "cannot poll: %s", strerror(errno));
			return -1;
		}
		int l = pf[0].revents ? in_live(e, c) : 0;
		if (l)
			return l;
	}
}

static int in_end(struct edge *e, struct msgchan *c)
{
	if (!c->eof_end)
		return in_send(e, c, "", 0); /* the end-of-stream marker */
	live_say(c->live[0], LIVE_END); /* relay_out gone: it said so, or in_live tells */
	c->shut(c);
	return 0;
}


int msgchan_relay_in(struct edge *e, int in)
{
	struct msgchan *c = e->priv;
	size_t cap = c->msgsize * 2 > 65536 ? c->msgsize * 2 : 65536;
	char *buf = xmalloc(cap);
	size_t off = 0, len = 0;
	bool eof = false, idle = false, napped = false;
	unsigned streak = 0; /* reads since relay_in last slept: batch_nap() */
	int rc = 0;
	relay_batch_init();
	if (c->fd[0] < 0)
		relay_tick(MSGCHAN_TICK_MS);
	if (fd_set_nonblock(in, true) < 0) {
		relay_msg(e, "cannot make the producer's pipe non-blocking: %s", strerror(errno));
		free(buf);
		return 1;
	}
	for (;;) {
		if (!eof && !idle) {
			if (off && off + len == cap) {
				memmove(buf, buf + off, len);
				off = 0;
			}
			ssize_t r = read(in, buf + off + len, cap - off - len);
			if (r > 0) {
				len += (size_t)r;
				napped = false;
				streak++;
			} else if (r == 0) {
				eof = true;
			} else if (errno == EAGAIN) {
				if (len && len < c->msgsize && !napped && relay_batch_nap(streak)) {
					napped = true;
					continue;
				}
				idle = true;
			} else if (errno != EINTR) {
				relay_msg(e, "cannot read from the producer: %s", strerror(errno));
				rc = 1;
				break;
			}
		}
		enum mq_cut_mode mode = eof ? MQ_CUT_EOF : idle ? MQ_CUT_IDLE : MQ_CUT_MORE;
		size_t n;
		int s = 0;
		while (!s && (n = mq_cut(buf + off, len, c->msgsize, c->lines, mode)) > 0) {
			s = in_send(e, c, buf + off, n);
			off += n;
			len -= n;
		}
		if (!len)
			off = 0;
		if (!s && eof)
			s = in_end(e, c);
		if (!s && idle) {
			s = relay_in_wait(e, in, c->live[0], &c->cons_direct);
			idle = napped = false;
			streak = 0;
		}
		if (s || eof) {
			rc = s < 0;
			break;
		}
	}
	free(buf);
	return rc;
}

/* ---- ipcsh as the producer (write_in, close_in) ---- */

/* One message: 0 sent, 1 full (only without wait, on a pollable
 * object), -1 with errno EPIPE (the reader is gone) or EIO (said). */
static int in_try(struct edge *e, struct msgchan *c, const char *m, size_t n, bool wait)
{
	if (!wait && c->fd[0] < 0)
		return 1; /* no fd to poll: send only once the consumer runs */
	if (!wait) {
		if (c->ops->send(c, m, n) == 0)
			return 0;
		if (errno == EAGAIN)
			return 1;
	}
	int s = in_send(e, c, m, n);
	if (s)
		errno = s == 1 ? EPIPE : EIO;
	return s ? -1 : 0;
}

ssize_t msgchan_write_in(struct edge *e, const char *buf, size_t n, bool wait)
{
	struct msgchan *c = e->priv;
	size_t done = 0, k;
	/* The whole output is here: cut as at the end of the stream. */
	while ((k = mq_cut(buf + done, n - done, c->msgsize, c->lines, MQ_CUT_EOF)) > 0) {
		int s = in_try(e, c, buf + done, k, wait);
		if (s < 0)
			return -1;
		if (s)
			break;
		done += k;
	}
	return (ssize_t)done;
}

int msgchan_close_in(struct edge *e, bool wait)
{
	struct msgchan *c = e->priv;
	if (c->eof_end)
		return in_end(e, c) == 0 ? 0 : -1;
	return in_try(e, c, "", 0, wait);
}

/* ---- relay_out ---- */

/* Messages received but not yet written to the consumer: gathered so a
 * burst of small messages costs one write() and one wake-up of the
 * consumer, not one per message. */
struct gather {
	char *buf;
	size_t len, cap;
	uint64_t msgs;
};

/* The consumer left: relay_in stops, and the producer gets SIGPIPE. */
static void out_gone(struct msgchan *c)
{
	live_say_gone(c->live[1]);
	if (c->reader_gone)
		c->reader_gone(c);
}

void msgchan_out_thread_begin(struct edge *e)
{
	live_say(((struct msgchan *)e->priv)->live[1], LIVE_DIRECT);
}

void msgchan_reader_gone(struct edge *e)
{
	out_gone(e->priv);
}

int msgchan_relay_out_try(struct edge *e, int out, size_t room)
{
	struct msgchan *c = e->priv;
	if (c->eof_end || c->fd[1] < 0)
		return 0; /* relay_out's own ways to see the end */
	char buf[65536];
	size_t len = 0;
	int done = 0;
	if (room > sizeof buf)
		room = sizeof buf;
	while (len + c->msgsize <= room) {
		ssize_t n = c->ops->recv(c, buf + len, c->msgsize, false);
		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		done = n == 0;
		break; /* EAGAIN: the thread goes on; an error: relay_out says it */
	}
	if (len && write_all(out, buf, len) < 0) {
		relay_msg(e, "cannot write to the consumer: %s", strerror(errno));
		out_gone(c);
		return -1;
	}
	return done;
}

/* Write what is gathered. 0 ok, 1 the consumer is gone, -1 error. */
static int out_flush(struct edge *e, struct msgchan *c, int out, struct gather *g)
{
	if (!g->len)
		return 0;
	if (write_all(out, g->buf, g->len) < 0) {
		if (errno != EPIPE) {
			relay_msg(e, "cannot write to the consumer: %s", strerror(errno));
			return -1;
		}
		out_gone(c);
		return 1;
	}
	stats_add(e, g->len, g->msgs);
	g->len = 0;
	g->msgs = 0;
	return 0;
}

/* relay_in's state, without consuming what it said: 0 running, LIVE_END
 * (it ended the stream), 'D' (it exited). */
static int out_peer(int live)
{
	char ch;
	ssize_t n = recv(live, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 1 && ch == LIVE_END)
		return LIVE_END;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return 'D';
}

struct out_state {
	bool peer_gone;  /* relay_in exited: what is in the object is all there is */
	bool said_end;   /* relay_in announced the object's EOF */
};

/* Nothing to receive: wait for a message, relay_in's end, or the consumer
 * to leave (an object without an fd: look once, its blocking receive
 * waits). 0 go on, 1 the consumer left (stop quietly: relay_in stops and
 * the producer gets SIGPIPE at its next write, as with a pipe), -1 error. */
static int out_wait(struct edge *e, struct msgchan *c, int out, struct out_state *st)
{
	if (st->peer_gone) {
		relay_msg(e, "the producer-side relay died mid-stream");
		return -1;
	}
	struct pollfd pf[3] = {{out, 0, 0}, {st->said_end ? -1 : c->live[1], POLLIN, 0},
			       {c->fd[1], POLLIN, 0}};
	bool fd = c->fd[1] >= 0;
	if (poll(pf, fd ? 3 : 2, fd ? -1 : 0) < 0 && errno != EINTR) {
		relay_msg(e, "cannot poll: %s", strerror(errno));
		return -1;
	}
	if (pf[0].revents & (POLLERR | POLLHUP)) {
		out_gone(c);
		return 1;
	}
	if (pf[1].revents) {
		int p = out_peer(c->live[1]);
		st->said_end = p == LIVE_END;
		st->peer_gone = p == 'D';
	}
	return 0;
}

/* The object says the stream ended: 0 it did, -1 relay_in died first. */
static int out_at_end(struct edge *e, struct msgchan *c)
{
	if (c->eof_end && out_peer(c->live[1]) != LIVE_END) {
		relay_msg(e, "the producer-side relay died mid-stream");
		return -1;
	}
	return 0;
}

int msgchan_relay_out(struct edge *e, int out)
{
	struct msgchan *c = e->priv;
	struct gather g = {0};
	struct out_state st = {0};
	g.cap = c->msgsize >= 65536 ? c->msgsize : 65536 / c->msgsize * c->msgsize;
	g.buf = xmalloc(g.cap);
	int s = 0;
	if (!e->in_thread)
		signal(SIGPIPE, SIG_IGN); /* EPIPE tells us the consumer left */
	if (c->fd[1] < 0)
		relay_tick(MSGCHAN_TICK_MS);
	while (!s) {
		if (g.len + c->msgsize > g.cap && (s = out_flush(e, c, out, &g)))
			break;
		bool block = c->fd[1] < 0 && !g.len && !st.peer_gone;
		ssize_t n = c->ops->recv(c, g.buf + g.len, c->msgsize, block);
		if (n > 0) {
			g.len += (size_t)n;
			g.msgs++;
		} else if (n == 0) {
			s = out_at_end(e, c);
			if (!s)
				s = out_flush(e, c, out, &g);
			break;
		} else if (errno != EAGAIN && errno != EINTR) {
			relay_msg(e, "cannot receive a message: %s", strerror(errno));
			s = -1;
		} else if (g.len) {
			/* Nothing more right now: hand over what we hold before sleeping. */
			s = out_flush(e, c, out, &g);
		} else {
			s = out_wait(e, c, out, &st);
		}
	}
	stats_end(e);
	free(g.buf);
	return s < 0;
}
