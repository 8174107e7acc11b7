/* msg.c — the `msg` transport: a System V message queue (msgget, msgsnd,
 * msgrcv) with the message relays of msgchan.c on each side.
 *
 * The queue is created under a random key that the guardian learns first
 * (sysv.c); unlike a POSIX queue it cannot be unlinked while in use — a
 * System V queue dies at IPC_RMID at once, taking blocked senders and
 * receivers with it — so it lives until the pipeline ends (finish()), or
 * until the guardian removes it if ipcsh dies first.
 *
 * When the consumer leaves, relay_out removes the queue itself, which wakes
 * a relay_in blocked in msgsnd() at once (EIDRM).
 *
 * Wire format: as mq, payload bytes only, mtype 1; data messages are never
 * empty and one zero-length message ends the stream. A queue has no file
 * descriptor to poll: the relays block in msgsnd/msgrcv, and a tick
 * (SIGALRM every MSGCHAN_TICK_MS) interrupts them so each looks at its
 * peer and the consumer now and then.
 *
 * Limits checked in prepare: msgsize against /proc/sys/kernel/msgmax;
 * maxbytes (the queue's msg_qbytes) against msgmnb, above which only a
 * privileged process may go (by default ipcsh asks for room for 16
 * messages and quietly keeps msgmnb when refused); msgget's ENOSPC is
 * /proc/sys/kernel/msgmni.
 */
#include "msgchan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#define MSG_DEFAULT_COUNT 16

struct msg_priv {
	struct msgchan c; /* first: the relays see e->priv as a msgchan */
	int id;
	key_t key;
	struct { long mtype; char mtext[]; } *mb; /* a relay's message buffer */
};

static int msg_chan_send(struct msgchan *c, const char *m, size_t n)
{
	struct msg_priv *p = (struct msg_priv *)c;
	if (!p->mb)
		p->mb = xmalloc(sizeof *p->mb + c->msgsize);
	p->mb->mtype = 1;
	memcpy(p->mb->mtext, m, n);
	return msgsnd(p->id, p->mb, n, 0); /* blocks; a tick interrupts */
}

static ssize_t msg_chan_recv(struct msgchan *c, char *buf, size_t cap, bool wait)
{
	struct msg_priv *p = (struct msg_priv *)c;
	if (!p->mb)
		p->mb = xmalloc(sizeof *p->mb + c->msgsize);
	ssize_t n = msgrcv(p->id, p->mb, cap < c->msgsize ? cap : c->msgsize, 0, wait ? 0 : IPC_NOWAIT);
	if (n < 0 && errno == ENOMSG)
		errno = EAGAIN;
	if (n > 0)
		memcpy(buf, p->mb->mtext, (size_t)n);
	return n;
}

static const struct msgchan_ops msg_chan = {msg_chan_send, msg_chan_recv};

/* The consumer left: remove the queue now, so a relay_in blocked in
 * msgsnd() fails with EIDRM at once (it then finds "reader gone" on the
 * liveness socket and stops quietly) instead of at its next tick. finish()
 * and the guardian find the key gone and have nothing to do. */
static void msg_reader_gone(struct msgchan *c)
{
	struct msg_priv *p = (struct msg_priv *)c;
	sysv_rmid(SYSV_MSG, p->id, p->key);
}

/* Resolve msgsize and maxbytes against the kernel's limits. */
static int msg_check(const struct edge *e, const char *label, uint64_t *msgsize, uint64_t *maxbytes,
		     struct errbuf *err)
{
	uint64_t msgmax = sysv_limit("msgmax", 0, 8192), msgmnb = sysv_limit("msgmnb", 0, 16384);
	*msgsize = (e->spec.set & EOPT_MSGSIZE) ? e->spec.msgsize : msgmax;
	if (*msgsize > msgmax) {
		errbuf_set(err, "%s: msgsize=%llu exceeds /proc/sys/kernel/msgmax (%llu): use msgsize=%llu or less, or another transport",
			   label, (unsigned long long)*msgsize, (unsigned long long)msgmax,
			   (unsigned long long)msgmax);
		return -1;
	}
	if (e->spec.set & EOPT_MAXMSG) {
		*maxbytes = e->spec.maxmsg;
		if (*maxbytes < *msgsize) {
			errbuf_set(err, "%s: maxbytes=%llu cannot hold one message of msgsize=%llu: use a larger maxbytes or a smaller msgsize",
				   label, (unsigned long long)*maxbytes, (unsigned long long)*msgsize);
			return -1;
		}
	} else {
		*maxbytes = *msgsize * MSG_DEFAULT_COUNT > msgmnb ? *msgsize * MSG_DEFAULT_COUNT : msgmnb;
	}
	if (*maxbytes > INT32_MAX) {
		errbuf_set(err, "%s: maxbytes=%llu is more than a queue can hold (2G)", label,
			   (unsigned long long)*maxbytes);
		return -1;
	}
	return 0;
}

/* Set msg_qbytes; above msgmnb the kernel wants privilege. */
static int msg_set_qbytes(const struct edge *e, int id, const char *label, uint64_t msgsize,
			  uint64_t *maxbytes, struct errbuf *err)
{
	struct msqid_ds ds;
	if (msgctl(id, IPC_STAT, &ds) < 0) {
		errbuf_set(err, "%s: cannot read the queue's limits: %s", label, strerror(errno));
		return -1;
	}
	if (ds.msg_qbytes == *maxbytes)
		return 0;
	msglen_t was = ds.msg_qbytes;
	ds.msg_qbytes = (msglen_t)*maxbytes;
	if (msgctl(id, IPC_SET, &ds) == 0)
		return 0;
	if (errno == EPERM && !(e->spec.set & EOPT_MAXMSG) && was >= msgsize) {
		*maxbytes = was; /* the default asked for more than we may have */
		return 0;
	}
	errbuf_set(err, "%s: cannot set maxbytes=%llu: %s (above /proc/sys/kernel/msgmnb, %llu, needs CAP_SYS_RESOURCE): use maxbytes=%llu or less, or another transport",
		   label, (unsigned long long)*maxbytes, strerror(errno),
		   (unsigned long long)sysv_limit("msgmnb", 0, 16384), (unsigned long long)was);
	return -1;
}

static int msg_prepare(struct edge *e, struct errbuf *err)
{
	char label[64];
	uint64_t msgsize, maxbytes;
	edge_label(e, label, sizeof label);
	if (msg_check(e, label, &msgsize, &maxbytes, err) < 0)
		return -1;
	struct msg_priv *p = xcalloc(1, sizeof *p);
	p->id = sysv_create(SYSV_MSG, 0, &p->key);
	if (p->id < 0) {
		if (errno == ENOSPC)
			errbuf_set(err, "%s: cannot create a System V message queue: the system-wide limit /proc/sys/kernel/msgmni (%llu) is reached: use another transport",
				   label, (unsigned long long)sysv_limit("msgmni", 0, 32000));
		else
			errbuf_set(err, "%s: cannot create a System V message queue: %s", label,
				   strerror(errno));
		free(p);
		return -1;
	}
	fault_point("msg-get");
	if (msg_set_qbytes(e, p->id, label, msgsize, &maxbytes, err) < 0)
		goto fail;
	if (msgchan_init(&p->c, &msg_chan, (size_t)msgsize, e->spec.set & EOPT_LINES) < 0) {
		errbuf_set(err, "%s: cannot create liveness socket pair: %s", label, strerror(errno));
		goto fail;
	}
	p->c.reader_gone = msg_reader_gone;
	e->priv = p;
	e->rfd = e->wfd = -1;
	char a[32], b[32];
	format_size(msgsize, a, sizeof a);
	format_size(maxbytes, b, sizeof b);
	snprintf(e->actual, sizeof e->actual, "msgsize=%s,maxbytes=%s%s", a, b,
		 p->c.lines ? ",lines" : "");
	return 0;
fail:
	sysv_remove(SYSV_MSG, p->id, p->key);
	free(p);
	return -1;
}

static void msg_release(struct edge *e)
{
	struct msg_priv *p = e->priv;
	if (p)
		msgchan_release(&p->c);
}

/* The pipeline has ended (or failed to start): the queue goes. */
static void msg_finish(struct edge *e)
{
	struct msg_priv *p = e->priv;
	if (!p)
		return;
	sysv_remove(SYSV_MSG, p->id, p->key);
	free(p->mb);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_msg = {
	.name = "msg",
	.prepare = msg_prepare,
	.relay_in = msgchan_relay_in,
	.relay_out = msgchan_relay_out,
	.relay_fds = msgchan_relay_fds,
	.release = msg_release,
	.finish = msg_finish,
};
