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
 * The relays are the message relays of msgchan.c (shared with msg, dgram
 * and seqpacket): relay_in cuts the stream into messages with mq_cut()
 * (raw, or whole lines with `lines`, SPEC §4); both poll the queue
 * descriptor together with the liveness socket, so neither can hang on a
 * dead peer: relay_out gets EPIPE when the consumer leaves, says "reader
 * gone" on the socket and exits; relay_in, blocked on a full queue, sees it
 * and exits, and the producer gets SIGPIPE.
 *
 * Limits are checked in prepare: msgsize/maxmsg against
 * /proc/sys/fs/mqueue/{msgsize_max,msg_max}, the queue's memory against
 * RLIMIT_MSGQUEUE; mq_open's EMFILE means the per-user queue budget is used
 * up (not file descriptors, which we tell apart), ENOSPC queues_max.
 */
#include "msgchan.h"

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
	struct msgchan c; /* first: the relays see e->priv as a msgchan */
	mqd_t q;
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
	/* Five files of /proc: 20 system calls, a third of what a `|[mq]`
	 * pipeline of built-ins asked the kernel. Read again after a second,
	 * so a sysctl changed meanwhile is seen by the next pipeline. */
	static struct {
		uint64_t at;
		long msg_max, msgsize_max, queues_max, dsize, dmax;
	} c;
	uint64_t now = now_ns();
	if (!c.at || now - c.at > 1000000000ull) {
		c.msg_max = mq_sysctl("msg_max", 10);
		c.msgsize_max = mq_sysctl("msgsize_max", 8192);
		c.queues_max = mq_sysctl("queues_max", 256);
		c.dsize = mq_sysctl("msgsize_default", 8192);
		c.dmax = mq_sysctl("msg_default", 10);
		c.at = now;
	}
	l->msg_max = c.msg_max;
	l->msgsize_max = c.msgsize_max;
	l->queues_max = c.queues_max;
	long dsize = c.dsize, dmax = c.dmax;
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

static int mq_chan_send(struct msgchan *c, const char *m, size_t n)
{
	return mq_send(((struct mq_priv *)c)->q, m, n, 0);
}

static ssize_t mq_chan_recv(struct msgchan *c, char *buf, size_t cap, bool wait)
{
	(void)wait; /* the queue is polled: never asked to block */
	return mq_receive(((struct mq_priv *)c)->q, buf, cap, NULL);
}

static const struct msgchan_ops mq_chan = {mq_chan_send, mq_chan_recv};

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
	if (msgchan_init(&p->c, &mq_chan, (size_t)a.mq_msgsize, e->spec.set & EOPT_LINES) < 0) {
		errbuf_set(err, "%s: cannot create liveness socket pair: %s", label, strerror(errno));
		mq_close((mqd_t)q);
		free(p);
		return -1;
	}
	p->q = (mqd_t)q;
	p->c.fd[0] = p->c.fd[1] = q;
	e->priv = p;
	e->rfd = e->wfd = -1;
	snprintf(e->actual, sizeof e->actual, "msgsize=%ld,maxmsg=%ld%s", a.mq_msgsize, a.mq_maxmsg,
		 p->c.lines ? ",lines" : "");
	return 0;
}

static void mq_release(struct edge *e)
{
	struct mq_priv *p = e->priv;
	if (!p)
		return;
	mq_close(p->q);
	msgchan_release(&p->c);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_mq = {
	.name = "mq",
	.prepare = mq_prepare,
	.relay_in = msgchan_relay_in,
	.relay_out = msgchan_relay_out,
	.relay_fds = msgchan_relay_fds,
	.write_in = msgchan_write_in,
	.close_in = msgchan_close_in,
	.release = mq_release,
	.out_thread = true, /* a queue is pollable: no relay_tick timer */
	.out_thread_begin = msgchan_out_thread_begin,
	.reader_gone = msgchan_reader_gone,
	.relay_out_try = msgchan_relay_out_try,
};
