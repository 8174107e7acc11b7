/* tcp.c — the `tcp` transport: a TCP connection over loopback, the
 * "network socket" of the IPC tutorials, measurable beside `sock`.
 *
 * prepare listens on 127.0.0.1 port 0 (the kernel picks a free port),
 * connects, accepts, and closes the listener: the producer gets the
 * connecting socket, the consumer the accepted one, no relays. Any local
 * user can connect to a listening port, so the accepted connection must
 * come from our own socket (its address is compared with ours); another
 * one is dropped.
 *
 * One-way like a pipe: the consumer's end is shut down for writing at once,
 * which sends a FIN and puts the producer's socket in CLOSE_WAIT. ipcsh
 * keeps a copy of the consumer's end (the holder) until the consumer has
 * been reaped, then closes it with SO_LINGER 0: the kernel sends a reset at
 * once, and a reset in CLOSE_WAIT makes the producer's next (or blocked)
 * write fail with EPIPE and SIGPIPE — what a pipe does, without the
 * "Connection reset by peer" of an ESTABLISHED socket, and without the one
 * write a plain close would let through before the peer's reset comes
 * back. The consumer reads EOF once the producer closes.
 *
 * Limits: a free loopback port (net.ipv4.ip_local_port_range), buf= as
 * SO_SNDBUF on the producer's socket and SO_RCVBUF on the consumer's, set
 * before the connection exists so the window scale fits (capped by
 * net.core.wmem_max/rmem_max without CAP_NET_ADMIN).
 */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct tcp_priv {
	int holder; /* ipcsh's copy of the consumer's end, until it is reaped */
};

static int get_int(int fd, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof v;
	if (getsockopt(fd, level, opt, &v, &l) < 0)
		return -1;
	return v;
}

/* Listen on 127.0.0.1, port chosen by the kernel. */
static int tcp_listen(struct sockaddr_in *a, const struct edge *e, const char *label, struct errbuf *err)
{
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0) {
		errbuf_set(err, "%s: cannot create a TCP socket: %s", label, strerror(errno));
		return -1;
	}
	*a = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = 0};
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof *a;
	if (e->spec.set & EOPT_BUF)
		(void)sockbuf_set(l, SO_RCVBUF, e->spec.buf, true); /* read back in tcp_actual() */
	if (bind(l, (struct sockaddr *)a, sizeof *a) < 0 || listen(l, 4) < 0 ||
	    getsockname(l, (struct sockaddr *)a, &al) < 0) {
		if (errno == EADDRINUSE || errno == EADDRNOTAVAIL)
			errbuf_set(err, "%s: no free loopback port (/proc/sys/net/ipv4/ip_local_port_range): %s: use another transport",
				   label, strerror(errno));
		else
			errbuf_set(err, "%s: cannot listen on 127.0.0.1: %s", label, strerror(errno));
		close(l);
		return -1;
	}
	return l;
}

/* Accept the connection that comes from socket c, dropping any other. */
static int tcp_accept_own(int l, int c, const char *label, struct errbuf *err)
{
	struct sockaddr_in mine = {0};
	socklen_t ml = sizeof mine;
	if (getsockname(c, (struct sockaddr *)&mine, &ml) < 0) {
		errbuf_set(err, "%s: cannot read the socket's address: %s", label, strerror(errno));
		return -1;
	}
	for (int tries = 0; tries < 16; tries++) {
		struct sockaddr_in peer = {0};
		socklen_t pl = sizeof peer;
		int a = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (a < 0 && errno == EINTR)
			continue;
		if (a < 0) {
			errbuf_set(err, "%s: cannot accept the loopback connection: %s", label, strerror(errno));
			return -1;
		}
		if (peer.sin_port == mine.sin_port && peer.sin_addr.s_addr == mine.sin_addr.s_addr) {
			if (fd_set_nonblock(a, false) < 0) {
				close(a);
				errbuf_set(err, "%s: cannot set up the accepted socket: %s", label, strerror(errno));
				return -1;
			}
			return a;
		}
		close(a); /* someone else connected to our port first */
	}
	errbuf_set(err, "%s: cannot accept the loopback connection: other connections kept arriving", label);
	return -1;
}

static void tcp_actual(struct edge *e, int w, int r)
{
	char a[32], b[32];
	int snd = get_int(w, SOL_SOCKET, SO_SNDBUF), rcv = get_int(r, SOL_SOCKET, SO_RCVBUF);
	format_size(snd > 0 ? (uint64_t)snd / 2 : 0, a, sizeof a);
	format_size(rcv > 0 ? (uint64_t)rcv / 2 : 0, b, sizeof b);
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof sa;
	int port = getpeername(w, (struct sockaddr *)&sa, &sl) == 0 ? ntohs(sa.sin_port) : 0;
	snprintf(e->actual, sizeof e->actual, "buf=%s/%s%s,port=%d", a, b,
		 get_int(w, IPPROTO_TCP, TCP_NODELAY) > 0 ? ",nodelay" : "", port);
}

static int tcp_prepare(struct edge *e, struct errbuf *err)
{
	char label[64];
	edge_label(e, label, sizeof label);
	struct sockaddr_in addr;
	int l = tcp_listen(&addr, e, label, err), c = -1, a = -1;
	if (l < 0)
		return -1;
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0) {
		errbuf_set(err, "%s: cannot create a TCP socket: %s", label, strerror(errno));
		goto fail;
	}
	if (e->spec.set & EOPT_BUF)
		(void)sockbuf_set(c, SO_SNDBUF, e->spec.buf, true);
	while (connect(c, (struct sockaddr *)&addr, sizeof addr) < 0) {
		if (errno == EINTR)
			continue;
		errbuf_set(err, "%s: cannot connect to 127.0.0.1:%d: %s%s", label, ntohs(addr.sin_port),
			   strerror(errno), errno == EADDRNOTAVAIL
				   ? " (no free local port: /proc/sys/net/ipv4/ip_local_port_range)" : "");
		goto fail;
	}
	fault_point("tcp-connect");
	a = tcp_accept_own(l, c, label, err);
	if (a < 0)
		goto fail;
	close(l);
	l = -1;
	if (e->spec.set & EOPT_NODELAY) {
		int one = 1;
		if (setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 ||
		    setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
			errbuf_set(err, "%s: cannot set TCP_NODELAY: %s", label, strerror(errno));
			goto fail;
		}
	}
	/* One-way; the FIN puts the producer's end in CLOSE_WAIT (see above). */
	if (shutdown(c, SHUT_RD) < 0 || shutdown(a, SHUT_WR) < 0) {
		errbuf_set(err, "%s: cannot shut down socket: %s", label, strerror(errno));
		goto fail;
	}
	tcp_actual(e, c, a);
	struct tcp_priv *p = xcalloc(1, sizeof *p);
	p->holder = fcntl(a, F_DUPFD_CLOEXEC, 10);
	if (p->holder < 0) {
		errbuf_set(err, "%s: cannot duplicate socket: %s", label, strerror(errno));
		free(p);
		goto fail;
	}
	e->priv = p;
	e->wfd = c;
	e->rfd = a;
	return 0;
fail:
	if (l >= 0)
		close(l);
	if (c >= 0)
		close(c);
	if (a >= 0)
		close(a);
	return -1;
}

static void tcp_release(struct edge *e)
{
	if (e->wfd >= 0)
		close(e->wfd);
	if (e->rfd >= 0)
		close(e->rfd);
	e->wfd = e->rfd = -1;
}

/* The consumer is gone: reset the connection, so the producer's next write
 * (or the one it is blocked in) gets EPIPE and SIGPIPE, as from a pipe. */
static void tcp_consumer_exit(struct edge *e)
{
	struct tcp_priv *p = e->priv;
	if (!p || p->holder < 0)
		return;
	struct linger lg = {1, 0};
	if (setsockopt(p->holder, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0) {
		/* Then a plain close: the reset comes after one more write. */
	}
	close(p->holder);
	p->holder = -1;
}

static void tcp_finish(struct edge *e)
{
	struct tcp_priv *p = e->priv;
	if (p && p->holder >= 0)
		close(p->holder);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_tcp = {
	.name = "tcp",
	.prepare = tcp_prepare,
	.release = tcp_release,
	.consumer_exit = tcp_consumer_exit,
	.finish = tcp_finish,
	/* As sock: with --stats the consumer still reads the socket. */
	.count_at_producer = true,
};
