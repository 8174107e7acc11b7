/* mq.c — the `mq` transport: a POSIX message queue with a relay on each side.
 *
 * The queue gets a random name "/ipcsh-<16 hex>", told to the guardian
 * first, is created O_EXCL with mode 0600 and unlinked right after
 * mq_open(), before any stage starts: from then on only the descriptors
 * (kept by the two relays) hold it, and it vanishes with them.
 *
 * Wire format inside the queue: every message carries payload bytes only;
 * data messages are never empty, and one zero-length message marks the end
 * of the stream (a queue has no EOF of its own). All messages have
 * priority 0, so the queue is FIFO. --stats counts data messages (not the
 * end marker) and their bytes, as delivered to the consumer.
 *
 * relay_in reads the producer's pipe without blocking, and cuts what it
 * holds into messages with mq_cut() (mqlines.c): raw mode fills messages
 * while input keeps coming and sends a partial one when the input goes
 * idle; `lines` mode sends whole lines only (SPEC §4). Both relays poll the
 * queue descriptor together with the liveness socket, so neither can hang
 * on a dead peer: relay_out gets EPIPE when the consumer leaves, says
 * "reader gone" on the socket and exits; relay_in, blocked on a full queue,
 * sees it and exits, and the producer gets SIGPIPE.
 *
 * Limits are checked in prepare: msgsize/maxmsg against
 * /proc/sys/fs/mqueue/{msgsize_max,msg_max}, the queue's memory against
 * RLIMIT_MSGQUEUE; mq_open's EMFILE means the per-user queue budget is used
 * up (not file descriptors, which we tell apart), ENOSPC queues_max.
 */
#include "internal.h"
#include "mqlines.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Kernel bookkeeping per message charged to RLIMIT_MSGQUEUE (struct msg_msg
 * plus a priority tree node, ipc/mqueue.c), rounded up. */
#define MQ_MSG_OVERHEAD 96u

struct mq_priv {
	mqd_t q;
	int live[2]; /* [0] relay_in's end, [1] relay_out's end */
	size_t msgsize;
	bool lines;
};

static long mq_sysctl(const char *name, long dflt)
{
	char path[80];
	snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", name);
	FILE *f = fopen(path, "re");
	long v;
	if (!f)
		return dflt;
	if (fscanf(f, "%ld", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

struct mq_limits {
	long msg_max, msgsize_max, queues_max;
	rlim_t rlim;
};

/* Resolve msgsize/maxmsg (defaults from the sysctls) and check them. */
static int mq_check(const struct edge *e, const char *label, struct mq_attr *a, struct mq_limits *l,
		    struct errbuf *err)
{
	l->msg_max = mq_sysctl("msg_max", 10);
	l->msgsize_max = mq_sysctl("msgsize_max", 8192);
	l->queues_max = mq_sysctl("queues_max", 256);
	long dsize = mq_sysctl("msgsize_default", 8192), dmax = mq_sysctl("msg_default", 10);
	uint64_t msgsize = (e->spec.set & EOPT_MSGSIZE) ? e->spec.msgsize
		: (uint64_t)(dsize < l->msgsize_max ? dsize : l->msgsize_max);
	uint64_t maxmsg = (e->spec.set & EOPT_MAXMSG) ? e->spec.maxmsg
		: (uint64_t)(dmax < l->msg_max ? dmax : l->msg_max);
	if (msgsize > (uint64_t)l->msgsize_max) {
		errbuf_set(err, "%s: msgsize=%llu exceeds /proc/sys/fs/mqueue/msgsize_max (%ld): use msgsize=%ld or less, or another transport",
			   label, (unsigned long long)msgsize, l->msgsize_max, l->msgsize_max);
		return -1;
	}
	if (maxmsg > (uint64_t)l->msg_max) {
		errbuf_set(err, "%s: maxmsg=%llu exceeds /proc/sys/fs/mqueue/msg_max (%ld): use maxmsg=%ld or less, or another transport",
			   label, (unsigned long long)maxmsg, l->msg_max, l->msg_max);
		return -1;
	}
	struct rlimit rl;
	l->rlim = getrlimit(RLIMIT_MSGQUEUE, &rl) == 0 ? rl.rlim_cur : RLIM_INFINITY;
	uint64_t need = maxmsg * (msgsize + MQ_MSG_OVERHEAD);
	if (l->rlim != RLIM_INFINITY && need > (uint64_t)l->rlim) {
		errbuf_set(err, "%s: a queue of maxmsg=%llu x msgsize=%llu needs about %llu bytes, more than RLIMIT_MSGQUEUE (ulimit -q: %llu): use a smaller msgsize or maxmsg, or another transport",
			   label, (unsigned long long)maxmsg, (unsigned long long)msgsize,
			   (unsigned long long)need, (unsigned long long)l->rlim);
		return -1;
	}
	a->mq_maxmsg = (long)maxmsg;
	a->mq_msgsize = (long)msgsize;
	return 0;
}

/* Explain a failed mq_open in terms of the limit that caused it. */
static void mq_open_error(const char *label, int e, const struct mq_attr *a, const struct mq_limits *l,
			  struct errbuf *err)
{
	unsigned long long need = (unsigned long long)a->mq_maxmsg *
		((unsigned long long)a->mq_msgsize + MQ_MSG_OVERHEAD);
	if (e == EMFILE) {
		int t = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (t < 0 && errno == EMFILE) {
			errbuf_set(err, "%s: cannot open message queue: too many open files", label);
			return;
		}
		if (t >= 0)
			close(t);
		errbuf_set(err, "%s: cannot open message queue: the per-user queue budget is used up (RLIMIT_MSGQUEUE, ulimit -q: %llu bytes; this queue needs about %llu; EMFILE here is not about file descriptors): use a smaller msgsize or maxmsg, end other pipelines using mq, or use another transport",
			   label, (unsigned long long)l->rlim, need);
	} else if (e == ENOSPC) {
		errbuf_set(err, "%s: cannot open message queue: the system-wide limit /proc/sys/fs/mqueue/queues_max (%ld) is reached: use another transport",
			   label, l->queues_max);
	} else if (e == EINVAL) {
		errbuf_set(err, "%s: cannot open message queue: the kernel refused msgsize=%ld,maxmsg=%ld (msgsize_max %ld, msg_max %ld): use smaller values",
			   label, a->mq_msgsize, a->mq_maxmsg, l->msgsize_max, l->msg_max);
	} else if (e == ENOSYS) {
		errbuf_set(err, "%s: cannot open message queue: POSIX message queues are not available in this kernel: use another transport",
			   label);
	} else {
		errbuf_set(err, "%s: cannot open message queue: %s", label, strerror(e));
	}
}

/* Create, then at once unlink, the queue. */
static int mq_make(struct mq_attr *a, const char *label, const struct mq_limits *l, struct errbuf *err)
{
	for (int tries = 0;; tries++) {
		char hex[33], name[48];
		random_hex(hex, 8);
		snprintf(name, sizeof name, "/ipcsh-%s", hex);
		if (guard_add(GUARD_MQ, name) < 0) {
			errbuf_set(err, "%s: cannot start the guardian process: %s", label, strerror(errno));
			return -1;
		}
		mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, a);
		if (q == (mqd_t)-1) {
			int e = errno;
			guard_forget(GUARD_MQ, name);
			if (e == EEXIST && tries < 8)
				continue;
			mq_open_error(label, e, a, l, err);
			return -1;
		}
		fault_point("mq-open");
		mq_unlink(name);
		guard_forget(GUARD_MQ, name);
		if (fd_set_cloexec((int)q, true) < 0) {
			errbuf_set(err, "%s: cannot set close-on-exec: %s", label, strerror(errno));
			mq_close(q);
			return -1;
		}
		return (int)q;
	}
}

static int mq_prepare(struct edge *e, struct errbuf *err)
{
	char label[64];
	struct mq_attr a = {0};
	struct mq_limits l;
	edge_label(e, label, sizeof label);
	if (mq_check(e, label, &a, &l, err) < 0)
		return -1;
	int q = mq_make(&a, label, &l, err);
	if (q < 0)
		return -1;
	struct mq_priv *p = xcalloc(1, sizeof *p);
	if (live_make(p->live) < 0) {
		errbuf_set(err, "%s: cannot create liveness socket pair: %s", label, strerror(errno));
		mq_close((mqd_t)q);
		free(p);
		return -1;
	}
	p->q = (mqd_t)q;
	p->msgsize = (size_t)a.mq_msgsize;
	p->lines = e->spec.set & EOPT_LINES;
	e->priv = p;
	e->rfd = e->wfd = -1;
	snprintf(e->actual, sizeof e->actual, "msgsize=%ld,maxmsg=%ld%s", a.mq_msgsize, a.mq_maxmsg,
		 p->lines ? ",lines" : "");
	return 0;
}

/* What the liveness socket says while relay_in waits: 0 go on, 1 stop
 * quietly (reader gone), -1 stop with an error. */
static int mq_in_live(struct edge *e, struct mq_priv *p)
{
	int l = live_peek(p->live[0]);
	if (l == 2) {
		relay_msg(e, "the consumer-side relay died");
		return -1;
	}
	return l;
}

/* Send one message, waiting for room. 0 sent, 1 reader gone, -1 error. */
static int mq_send_one(struct edge *e, struct mq_priv *p, const char *m, size_t n)
{
	for (;;) {
		if (mq_send(p->q, m, n, 0) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			relay_msg(e, "cannot send a message: %s", strerror(errno));
			return -1;
		}
		struct pollfd pf[2] = {{(int)p->q, POLLOUT, 0}, {p->live[0], POLLIN, 0}};
		if (poll(pf, 2, -1) < 0 && errno != EINTR) {
			relay_msg(e, "cannot poll the queue: %s", strerror(errno));
			return -1;
		}
		int l = pf[1].revents ? mq_in_live(e, p) : 0;
		if (l)
			return l;
	}
}

static int mq_relay_in(struct edge *e, int in)
{
	struct mq_priv *p = e->priv;
	size_t cap = p->msgsize * 2 > 65536 ? p->msgsize * 2 : 65536;
	char *buf = xmalloc(cap);
	size_t off = 0, len = 0;
	bool eof = false, idle = false;
	int rc = 0;
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
			if (r > 0)
				len += (size_t)r;
			else if (r == 0)
				eof = true;
			else if (errno == EAGAIN)
				idle = true;
			else if (errno != EINTR) {
				relay_msg(e, "cannot read from the producer: %s", strerror(errno));
				rc = 1;
				break;
			}
		}
		enum mq_cut_mode mode = eof ? MQ_CUT_EOF : idle ? MQ_CUT_IDLE : MQ_CUT_MORE;
		size_t n;
		int s = 0;
		while (!s && (n = mq_cut(buf + off, len, p->msgsize, p->lines, mode)) > 0) {
			s = mq_send_one(e, p, buf + off, n);
			off += n;
			len -= n;
		}
		if (!len)
			off = 0;
		if (!s && eof)
			s = mq_send_one(e, p, "", 0); /* the end-of-stream marker */
		if (!s && idle) {
			s = relay_in_wait(e, in, p->live[0]);
			idle = false;
		}
		if (s || eof) {
			rc = s < 0;
			break;
		}
	}
	free(buf);
	return rc;
}

/* Messages received but not yet written to the consumer: gathered so a
 * burst of small messages costs one write() and one wake-up of the
 * consumer, not one per message. */
struct mq_out {
	char *buf;
	size_t len, cap;
	uint64_t msgs;
};

/* Write what is gathered. 0 ok, 1 the consumer is gone, -1 error. */
static int mq_out_flush(struct edge *e, struct mq_priv *p, int out, struct mq_out *o)
{
	if (!o->len)
		return 0;
	if (write_all(out, o->buf, o->len) < 0) {
		if (errno != EPIPE) {
			relay_msg(e, "cannot write to the consumer: %s", strerror(errno));
			return -1;
		}
		live_say_gone(p->live[1]);
		return 1;
	}
	stats_add(e, o->len, o->msgs);
	o->len = 0;
	o->msgs = 0;
	return 0;
}

/* The queue is empty: wait for a message, for relay_in's end, or for the
 * consumer to leave. Returns 0 to go on, 1 when the consumer left (stop
 * quietly: relay_in stops and the producer gets SIGPIPE at its next
 * write, as with a pipe), -1 when relay_in died without sending the end
 * marker. */
static int mq_out_wait(struct edge *e, struct mq_priv *p, int out, bool *peer_gone)
{
	/* relay_in sends before it exits, so a hang-up seen before an empty
	 * receive means it died mid-stream. */
	if (*peer_gone) {
		relay_msg(e, "the producer-side relay died mid-stream");
		return -1;
	}
	struct pollfd pf[3] = {{(int)p->q, POLLIN, 0}, {p->live[1], POLLIN, 0}, {out, 0, 0}};
	if (poll(pf, 3, -1) < 0 && errno != EINTR) {
		relay_msg(e, "cannot poll the queue: %s", strerror(errno));
		return -1;
	}
	if (pf[2].revents & (POLLERR | POLLHUP)) {
		live_say_gone(p->live[1]);
		return 1;
	}
	if (pf[1].revents && live_peek(p->live[1]) == 2)
		*peer_gone = true;
	return 0;
}

static int mq_relay_out(struct edge *e, int out)
{
	struct mq_priv *p = e->priv;
	struct mq_out o = {0};
	o.cap = p->msgsize >= 65536 ? p->msgsize : 65536 / p->msgsize * p->msgsize;
	o.buf = xmalloc(o.cap);
	bool peer_gone = false;
	int rc = 0, s = 0;
	signal(SIGPIPE, SIG_IGN); /* EPIPE tells us the consumer left */
	while (!s) {
		if (o.len + p->msgsize > o.cap && (s = mq_out_flush(e, p, out, &o)))
			break;
		ssize_t n = mq_receive(p->q, o.buf + o.len, p->msgsize, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			relay_msg(e, "cannot receive a message: %s", strerror(errno));
			s = -1;
		} else if (n < 0) {
			/* Empty: hand over what we hold before sleeping. */
			s = o.len ? mq_out_flush(e, p, out, &o) : mq_out_wait(e, p, out, &peer_gone);
		} else if (n == 0) {
			s = mq_out_flush(e, p, out, &o); /* end of stream */
			break;
		} else {
			o.len += (size_t)n;
			o.msgs++;
		}
	}
	rc = s < 0;
	stats_end(e);
	free(o.buf);
	return rc;
}

static int mq_relay_fds(const struct edge *e, int side, int *fds, int max)
{
	const struct mq_priv *p = e->priv;
	if (!p || max < 2)
		return 0;
	fds[0] = (int)p->q;
	fds[1] = p->live[side ? 1 : 0];
	return 2;
}

static void mq_release(struct edge *e)
{
	struct mq_priv *p = e->priv;
	if (!p)
		return;
	mq_close(p->q);
	close(p->live[0]);
	close(p->live[1]);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_mq = {
	.name = "mq",
	.prepare = mq_prepare,
	.relay_in = mq_relay_in,
	.relay_out = mq_relay_out,
	.relay_fds = mq_relay_fds,
	.release = mq_release,
};
