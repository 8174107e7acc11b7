/* dgram.c — the `dgram` and `seqpacket` transports:
 * socketpair(AF_UNIX, SOCK_DGRAM or SOCK_SEQPACKET) with the message relays
 * of msgchan.c on each side.
 *
 * Both keep message boundaries, so a program reading the socket directly
 * would lose the tail of every message longer than its read(): the stages
 * get plain pipes and the relays carry messages of at most msgsize bytes
 * (whole lines with `lines`, as mq). sv[0] is relay_in's end, sv[1]
 * relay_out's; both non-blocking and polled with the liveness socket.
 *
 * The end of the stream: a zero-length datagram for dgram (a datagram
 * socket has no EOF), the socket's own EOF for seqpacket (relay_in says so
 * on the liveness socket first, so that a relay that died is not taken for
 * one that finished). Nothing has a name: the socket pair goes with the
 * last relay.
 *
 * Limits checked in prepare: a message must fit the sender's buffer
 * (SO_SNDBUF, capped by /proc/sys/net/core/wmem_max without
 * CAP_NET_ADMIN; the kernel refuses a datagram over SO_SNDBUF - 32 with
 * EMSGSIZE).
 */
#include "msgchan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DGRAM_DEFAULT_MSGSIZE (64u * 1024u)
/* The kernel's bookkeeping inside SO_SNDBUF for one datagram (af_unix.c
 * refuses len > sk_sndbuf - 32), rounded up for skb overhead. */
#define DGRAM_SNDBUF_SLACK 1024u

struct dgram_priv {
	struct msgchan c; /* first: the relays see e->priv as a msgchan */
	int sv[2];
};

static int dgram_send(struct msgchan *c, const char *m, size_t n)
{
	return send(c->fd[0], m, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -1 : 0;
}

static ssize_t dgram_recv(struct msgchan *c, char *buf, size_t cap, bool wait)
{
	(void)wait; /* polled: never asked to block */
	return recv(c->fd[1], buf, cap, MSG_DONTWAIT);
}

static void seqpacket_shut(struct msgchan *c)
{
	if (shutdown(c->fd[0], SHUT_WR) < 0) {
		/* relay_out is gone already: nothing to end. */
	}
}

static const struct msgchan_ops dgram_chan = {dgram_send, dgram_recv};

static int dgram_prepare_type(struct edge *e, int type, struct errbuf *err)
{
	char label[64];
	edge_label(e, label, sizeof label);
	struct dgram_priv *p = xcalloc(1, sizeof *p);
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, p->sv) < 0) {
		errbuf_set(err, "%s: cannot create socket pair: %s", label, strerror(errno));
		free(p);
		return -1;
	}
	fault_point("dgram-pair");
	uint64_t msgsize = (e->spec.set & EOPT_MSGSIZE) ? e->spec.msgsize : DGRAM_DEFAULT_MSGSIZE;
	bool given = e->spec.set & EOPT_BUF;
	if (sockbuf_set(p->sv[0], SO_SNDBUF, given ? e->spec.buf : SOCK_DEFAULT_BUF, given) < 0 && given) {
		errbuf_set(err, "%s: cannot set buf=%llu: %s", label, (unsigned long long)e->spec.buf,
			   strerror(errno));
		goto fail;
	}
	int snd = sockbuf_get(p->sv[0], SO_SNDBUF);
	if (snd < 0) {
		errbuf_set(err, "%s: cannot read the socket's buffer size: %s", label, strerror(errno));
		goto fail;
	}
	if (msgsize + DGRAM_SNDBUF_SLACK > (uint64_t)snd) {
		/* The kernel reports twice what was asked (its bookkeeping). */
		uint64_t need_k = (msgsize + DGRAM_SNDBUF_SLACK) / 2048 + 1;
		errbuf_set(err, "%s: msgsize=%llu does not fit the socket's send buffer (SO_SNDBUF %d, at most /proc/sys/net/core/wmem_max without privilege): use buf=%lluK or more, or a smaller msgsize",
			   label, (unsigned long long)msgsize, snd, (unsigned long long)need_k);
		goto fail;
	}
	if (msgchan_init(&p->c, &dgram_chan, (size_t)msgsize, e->spec.set & EOPT_LINES) < 0) {
		errbuf_set(err, "%s: cannot create liveness socket pair: %s", label, strerror(errno));
		goto fail;
	}
	p->c.fd[0] = p->sv[0];
	p->c.fd[1] = p->sv[1];
	if (type == SOCK_SEQPACKET) {
		p->c.eof_end = true;
		p->c.shut = seqpacket_shut;
	}
	e->priv = p;
	e->rfd = e->wfd = -1;
	char a[32], b[32];
	format_size(msgsize, a, sizeof a);
	format_size((uint64_t)snd / 2, b, sizeof b);
	snprintf(e->actual, sizeof e->actual, "msgsize=%s,buf=%s%s", a, b, p->c.lines ? ",lines" : "");
	return 0;
fail:
	close(p->sv[0]);
	close(p->sv[1]);
	free(p);
	return -1;
}

static int dgram_prepare(struct edge *e, struct errbuf *err)
{
	return dgram_prepare_type(e, SOCK_DGRAM, err);
}

static int seqpacket_prepare(struct edge *e, struct errbuf *err)
{
	return dgram_prepare_type(e, SOCK_SEQPACKET, err);
}

static void dgram_release(struct edge *e)
{
	struct dgram_priv *p = e->priv;
	if (!p)
		return;
	close(p->sv[0]);
	close(p->sv[1]);
	msgchan_release(&p->c);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_dgram = {
	.name = "dgram",
	.prepare = dgram_prepare,
	.relay_in = msgchan_relay_in,
	.relay_out = msgchan_relay_out,
	.relay_fds = msgchan_relay_fds,
	.write_in = msgchan_write_in,
	.close_in = msgchan_close_in,
	.release = dgram_release,
};

const struct transport_ops transport_seqpacket = {
	.name = "seqpacket",
	.prepare = seqpacket_prepare,
	.relay_in = msgchan_relay_in,
	.relay_out = msgchan_relay_out,
	.relay_fds = msgchan_relay_fds,
	.write_in = msgchan_write_in,
	.close_in = msgchan_close_in,
	.release = dgram_release,
};
