/* shm.c — the `shm` transport: a lock-free SPSC ring (ring.h) in a sealed
 * memfd, with a relay on each side that steps aside for a program that
 * speaks the ring itself (libipcsh, include/ipcsh/ring.h).
 *
 * The memfd has no name, so nothing can outlive the processes that map it
 * or hold it; the relays inherit it through fork(). relay_in read()s the
 * producer's pipe straight into the ring, relay_out write()s straight out
 * of it into the consumer's pipe: one copy in, one copy out.
 *
 * Hand-over (ringproto.h): once the executor made a relay's pipe,
 * shm_stage_pipe() binds a listening socket named after the stage's end of
 * it, before any stage starts. The relay arms SIGIO on it: a connection
 * interrupts whatever it waits for. It then finishes what is in flight
 * (relay_in moves the rest of the pipe into the ring; relay_out stops
 * filling the pipe and closes it, so the program reads those bytes first),
 * writes 'D' on the liveness socket, sends the program the memfd and its
 * end of the liveness socket, and exits. Either side may be handed over,
 * at any time, independently: two ring-aware stages end up sharing the
 * ring and the liveness pair, with no relay left.
 *
 * Ends of the stream:
 *  - producer done: relay_in (or the library) sets the ring's EOF flag;
 *    relay_out drains the ring and exits 0, closing the consumer's stdin.
 *  - consumer gone: relay_out's write() fails with EPIPE (or the library
 *    closes): the reader-gone flag is set and 'G' written on the liveness
 *    socket; relay_in stops at once, closing the producer's pipe, so the
 *    producer gets SIGPIPE as with a plain pipe (the library: EPIPE).
 *  - a side dies (killed): the other one, whose futex waits time out every
 *    LIVE_CHECK_MS, finds the liveness socket hung up. A dead relay is an
 *    error ("the ... relay died"); a dead ring-aware consumer is a reader
 *    gone, as with a pipe; a ring-aware producer that died without closing
 *    ends the stream with "the producer died mid-stream" (status 1).
 *  - a ring-aware peer that writes nonsense into the shared header makes
 *    the relay stop with "... corrupt ring" (ring.c never indexes with it).
 */
#include "internal.h"
#include "ring.h"
#include "ringproto.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define LIVE_CHECK_MS 200

struct shm_priv {
	struct ring ring;
	int live[2]; /* [0] relay_in's end, [1] relay_out's end */
	int lis[2];  /* the hand-over listeners of each side, -1 none */
	bool peer_direct; /* in a relay: the other side is a program now */
	bool spin;        /* |[shm:spin]: programs handed the ring start spinning */
	/* write_in's own handle on the ring: ipcsh's producer counters, apart
	 * from the ring that relay_out is forked with (its counters start at
	 * 0 as a consumer's). */
	struct ring w;
	bool w_set;
};

/* The ring of the last pipeline that ended, for the next one of the same
 * size: a ring costs a memfd, its size, seals, a mapping and, once the
 * pipeline ends, unmapping and closing it: a tenth of what a `|[shm]`
 * pipeline of two built-ins asks the kernel. Kept only when no program can
 * hold it (no hand-over listener was bound: it never left our processes)
 * and every process of its pipeline is gone (shm_finish), so only ipcsh
 * maps it; and only by the process that kept it (a forked child inherits
 * the copy, not the ring). */
static struct {
	struct ring ring;
	pid_t pid;
	bool set;
} spare;

static bool shm_take_spare(struct ring *r, uint64_t size)
{
	if (!spare.set || spare.pid != getpid() || spare.ring.size != size)
		return false;
	*r = spare.ring;
	spare.set = false;
	ring_reset(r);
	return true;
}

static int shm_prepare(struct edge *e, struct errbuf *err)
{
	uint64_t size;
	if (edge_ring_size(e, &size, err) < 0)
		return -1;
	char label[64];
	edge_label(e, label, sizeof label);
	struct shm_priv *p = xcalloc(1, sizeof *p);
	p->lis[0] = p->lis[1] = -1;
	if (!shm_take_spare(&p->ring, size) && ring_create_memfd(&p->ring, size) < 0) {
		errbuf_set(err, "%s: cannot map a ring of %llu bytes: %s: use a smaller size or another transport",
			   label, (unsigned long long)size, strerror(errno));
		free(p);
		return -1;
	}
	fault_point("shm-map");
	if (live_make(p->live) < 0) {
		errbuf_set(err, "%s: cannot create liveness socket pair: %s", label, strerror(errno));
		ring_destroy(&p->ring);
		free(p);
		return -1;
	}
	p->spin = (e->spec.set & EOPT_SPIN) != 0;
	e->priv = p;
	e->rfd = e->wfd = -1;
	char sz[32];
	format_size(size, sz, sizeof sz);
	snprintf(e->actual, sizeof e->actual, "size=%s%s", sz, p->spin ? ",spin" : "");
	return 0;
}

/* Bind the hand-over listener for the stage's end `fd` of a relay pipe.
 * Not being able to (a name taken by someone else) only means that side
 * keeps its relay. */
static void shm_stage_pipe(struct edge *e, int side, int fd)
{
	struct shm_priv *p = e->priv;
	struct stat st;
	/* --stats counts what relay_out writes: with it, the consumer's side
	 * keeps its relay, so every byte is counted (LIFETIME.md). */
	if (!p || (side && e->want_stats) || fstat(fd, &st) < 0)
		return;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return;
	struct sockaddr_un a;
	socklen_t len = ringproto_addr(&a, &st);
	if (bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 4) < 0) {
		close(s);
		return;
	}
	p->lis[side ? 1 : 0] = s;
}

/* ---- hand-over, in a relay ---- */

static volatile sig_atomic_t attach_pending;

static void on_sigio(int sig)
{
	(void)sig;
	attach_pending = 1;
}

/* SIGIO on a connection to our listener: it interrupts futex waits,
 * poll() and write() (no SA_RESTART). A connection made before this is
 * found by the first look (attach_pending starts set). */
static void attach_arm(int lis)
{
	if (lis < 0)
		return;
	struct sigaction sa = {.sa_handler = on_sigio};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGIO, &sa, NULL);
	if (fcntl(lis, F_SETOWN, getpid()) < 0 || fcntl(lis, F_SETFL, O_NONBLOCK | O_ASYNC) < 0)
		return;
	attach_pending = 1;
}

/* A connection asking for our side, from our own user, or -1. */
static int attach_accept(int lis, int side)
{
	attach_pending = 0;
	for (;;) {
		int c = accept4(lis, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			return -1;
		struct ucred cr;
		socklen_t crlen = sizeof cr;
		struct ringproto_req req;
		struct pollfd pf = {c, POLLIN, 0};
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == 0 && cr.uid == geteuid() &&
		    poll(&pf, 1, 1000) == 1 && recv(c, &req, sizeof req, MSG_DONTWAIT) == sizeof req &&
		    req.magic == RINGPROTO_MAGIC && req.version == RINGPROTO_VERSION &&
		    req.side == (uint32_t)side)
			return c;
		close(c); /* the library sees EOF and keeps using its fd */
	}
}

/* Give the program the ring: 'D' to the other side, then the reply with
 * the memfd and our liveness end. 0, or -1 (the program keeps its fd). */
static int attach_reply(struct shm_priv *p, int c, int side)
{
	struct ringproto_rep rep = {RINGPROTO_MAGIC, RINGPROTO_VERSION, 0, p->spin ? RINGPROTO_SPIN : 0,
				    p->ring.size, p->ring.pos};
	int fds[2] = {p->ring.fd, p->live[side]};
	union {
		char buf[CMSG_SPACE(sizeof fds)];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof u);
	struct iovec iov = {&rep, sizeof rep};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			   .msg_controllen = sizeof u.buf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(cm), fds, sizeof fds);
	live_say(p->live[side], LIVE_DIRECT); /* the other side gone: the program will see it */
	ssize_t n = sendmsg(c, &m, MSG_NOSIGNAL);
	close(c);
	return n == (ssize_t)sizeof rep ? 0 : -1;
}

/* The liveness socket is read with live_peek(fd, &p->peer_direct): the
 * hand-over's byte and relay.c's LIVE_DIRECT are one. */
_Static_assert(LIVE_DIRECT == RINGPROTO_DIRECT, "one byte says the peer is a program");

/* ---- relay_in ---- */

/* relay_in's look at its peer: 0 go on, 1 stop quietly, -1 it died. */
static int shm_in_live(struct edge *e, struct shm_priv *p)
{
	int l = live_peek(p->live[0], &p->peer_direct);
	if (l == 2 && !ring_reader_gone(&p->ring)) {
		relay_msg(e, "the consumer-side relay died");
		return -1;
	}
	return l ? 1 : 0;
}

/* Wait for the producer's pipe, the liveness socket or a hand-over:
 * 0 look again, 1 stop quietly, -1 the consumer side died. */
static int shm_in_wait(struct edge *e, struct shm_priv *p, int in)
{
	struct pollfd pf[3] = {{in, POLLIN, 0}, {p->live[0], POLLIN, 0}, {p->lis[0], POLLIN, 0}};
	if (poll(pf, p->lis[0] >= 0 ? 3 : 2, -1) < 0) {
		if (errno == EINTR)
			return 0;
		relay_msg(e, "cannot poll the producer's pipe: %s", strerror(errno));
		return -1;
	}
	if (pf[2].revents)
		attach_pending = 1;
	return pf[1].revents ? shm_in_live(e, p) : 0;
}

static size_t shm_chunk(const struct ring *r)
{
	/* Quarter-ring transfers: big enough to amortise syscalls and wake-ups,
	 * small enough that the other side works on the rest meanwhile. */
	return r->size / 4 > RING_MIN_SIZE ? r->size / 4 : RING_MIN_SIZE;
}

/* relay_in's read: into the reserved space after `held` uncommitted bytes.
 * Batching (relay_batch_nap, internal.h): while the producer streams, a
 * dry pipe with bytes held earns one nap before they are committed, so a
 * producer writing 4 KiB blocks wakes the consumer side once per nap, not
 * once per block. One nap per commit: no byte waits longer than the window
 * (a trickling producer cannot hold bytes back nap after nap), and a lone
 * write after a pause is committed at once. */
struct shm_in {
	size_t held;     /* read into the ring, not yet committed */
	unsigned streak; /* reads since relay_in last waited for input */
	bool napped;     /* napped since the last commit */
};

static void shm_in_commit(struct ring *r, struct shm_in *st)
{
	if (st->held)
		ring_commit(r, st->held);
	st->held = 0;
	st->napped = false;
}

/* One read from the producer's pipe into the ring at dst (the reserved
 * space, `want` bytes of it usable) and what follows from it: -1 go on,
 * else relay_in's exit status. `handing`: a program asked for the ring. */
static int shm_in_step(struct edge *e, struct shm_priv *p, struct shm_in *st, int in, char *dst,
		       size_t want, int handing)
{
	ssize_t got = read(in, dst + st->held, want - st->held);
	int rerr = got < 0 ? errno : 0;
	if (rerr == EINTR)
		return -1;
	if (got > 0) {
		st->held += (size_t)got;
		st->streak++;
		if (st->held >= want)
			shm_in_commit(&p->ring, st);
		return -1;
	}
	if (rerr == EAGAIN && st->held) {
		if (!st->napped && relay_batch_nap(st->streak))
			st->napped = true;
		else
			shm_in_commit(&p->ring, st);
		return -1;
	}
	shm_in_commit(&p->ring, st);
	if (handing >= 0 && (got == 0 || rerr == EAGAIN)) {
		/* Everything written to the pipe is in the ring. */
		return attach_reply(p, handing, 0) < 0 ? 1 : 0;
	}
	if (rerr == EAGAIN) {
		st->streak = 0;
		int l = shm_in_wait(e, p, in);
		return l ? l < 0 : -1;
	}
	if (got < 0)
		relay_msg(e, "cannot read from the producer: %s", strerror(rerr));
	ring_close_write(&p->ring); /* or got == 0: the producer is done */
	return got < 0;
}

static int shm_relay_in(struct edge *e, int in)
{
	struct shm_priv *p = e->priv;
	struct ring *r = &p->ring;
	size_t chunk = shm_chunk(r);
	uint64_t checked = now_ns();
	int handing = -1; /* a program asked for the ring: drain the pipe, then give it */
	struct shm_in st = {0, 0, false};
	/* Non-blocking, so that while the producer is idle we wait in poll()
	 * with the liveness socket and stop as soon as the consumer is gone. */
	if (fd_set_nonblock(in, true) < 0) {
		relay_msg(e, "cannot make the producer's pipe non-blocking: %s", strerror(errno));
		return 1;
	}
	attach_arm(p->lis[0]);
	relay_batch_init();
	for (;;) {
		if (attach_pending && handing < 0)
			handing = attach_accept(p->lis[0], 0);
		if (ring_reader_gone(r))
			return 0;
		void *dst;
		size_t n = ring_reserve(r, &dst);
		if (ring_error(r)) {
			relay_msg(e, "the consumer corrupted the ring (a tail out of bounds)");
			return 1;
		}
		int l = 0;
		if (n == 0 && !ring_wait_space(r, LIVE_CHECK_MS))
			l = shm_in_live(e, p);
		else if (now_ns() - checked > LIVE_CHECK_MS * 1000000ull) {
			/* A ring that never fills (a slow producer) must still
			 * notice a dead relay_out: look now and then. */
			checked = now_ns();
			l = shm_in_live(e, p);
		}
		if (l)
			return l < 0;
		if (n == 0)
			continue;
		size_t want = n < chunk ? n : chunk; /* held < want: committed at want */
		int rc = shm_in_step(e, p, &st, in, (char *)dst, want, handing);
		if (rc >= 0)
			return rc;
	}
}

/* ---- ipcsh as the producer (write_in, close_in) ---- */

/* ipcsh's producer handle on the ring, copied at first use (before any
 * commit), while the relays keep the original. */
static struct ring *shm_w(struct shm_priv *p)
{
	if (!p->w_set) {
		p->w = p->ring;
		p->w_set = true;
	}
	return &p->w;
}

static ssize_t shm_write_in(struct edge *e, const char *buf, size_t n, bool wait)
{
	struct shm_priv *p = e->priv;
	struct ring *r = shm_w(p);
	size_t done = 0;
	while (done < n) {
		if (ring_reader_gone(r)) {
			errno = EPIPE;
			return -1;
		}
		void *dst;
		size_t k = ring_reserve(r, &dst);
		if (ring_error(r)) {
			relay_msg(e, "the consumer corrupted the ring (a tail out of bounds)");
			errno = EPROTO;
			return -1;
		}
		if (k == 0) {
			if (!wait)
				break;
			if (!ring_wait_space(r, LIVE_CHECK_MS) && live_peek(p->live[0], &p->peer_direct)) {
				/* 1: the consumer left; 2: its relay died (said by it
				 * or not: either way nobody reads any more). */
				errno = EPIPE;
				return -1;
			}
			continue;
		}
		if (k > n - done)
			k = n - done;
		memcpy(dst, buf + done, k);
		ring_commit(r, k);
		done += k;
	}
	return (ssize_t)done;
}

static int shm_close_in(struct edge *e, bool wait)
{
	(void)wait;
	ring_close_write(shm_w(e->priv));
	return 0;
}

/* ---- relay_out ---- */

/* The consumer is gone: relay_in stops, the producer gets SIGPIPE. */
static void shm_reader_gone(struct shm_priv *p)
{
	ring_close_read(&p->ring);
	live_say_gone(p->live[1]);
}

/* The ring is empty and not at EOF: wait. 1 go on, 0 the consumer left
 * meanwhile (stop quietly), -1 the producer side died. */
static int shm_wait_data(struct edge *e, struct shm_priv *p, int out)
{
	if (ring_wait_data(&p->ring, LIVE_CHECK_MS) || attach_pending)
		return 1;
	/* Idle: notice a consumer that left without waiting for the next
	 * write, so the producer is stopped at its next write, as by a pipe. */
	if (relay_out_gone(out)) {
		shm_reader_gone(p);
		return 0;
	}
	if (live_peek(p->live[1], &p->peer_direct) == 0)
		return 1;
	/* The producer's side hung up: anything it wrote before is visible now. */
	const void *src;
	if (ring_peek(&p->ring, &src) > 0 || ring_eof(&p->ring) || ring_error(&p->ring))
		return 1;
	relay_msg(e, p->peer_direct ? "the producer died mid-stream"
				    : "the producer-side relay died mid-stream");
	return -1;
}

/* The consumer's pipe is full: wait for room, a hand-over or the consumer
 * leaving. */
static void shm_out_wait(struct shm_priv *p, int out)
{
	struct pollfd pf[2] = {{out, POLLOUT, 0}, {p->lis[1], POLLIN, 0}};
	if (poll(pf, p->lis[1] >= 0 ? 2 : 1, LIVE_CHECK_MS) > 0 && pf[1].revents)
		attach_pending = 1;
}

static int shm_relay_out(struct edge *e, int out)
{
	struct shm_priv *p = e->priv;
	struct ring *r = &p->ring;
	size_t chunk = shm_chunk(r);
	if (!e->in_thread)
		signal(SIGPIPE, SIG_IGN); /* EPIPE tells us the consumer left */
	if (fd_set_nonblock(out, true) < 0) {
		relay_msg(e, "cannot make the consumer's pipe non-blocking: %s", strerror(errno));
		return 1;
	}
	attach_arm(p->lis[1]);
	int rc = 0;
	for (;;) {
		if (attach_pending) {
			int c = attach_accept(p->lis[1], 1);
			/* The pipe's bytes come first: the program reads it to EOF. */
			if (c >= 0 && attach_reply(p, c, 1) == 0) {
				stats_end(e);
				return 0;
			}
		}
		const void *src;
		size_t n = ring_peek(r, &src);
		if (ring_error(r)) {
			relay_msg(e, "the producer corrupted the ring (a head out of bounds)");
			shm_reader_gone(p);
			rc = 1;
			break;
		}
		if (n == 0) {
			if (ring_eof(r))
				break;
			int w = shm_wait_data(e, p, out);
			if (w <= 0) {
				rc = w < 0;
				break;
			}
			continue;
		}
		ssize_t w = write(out, src, n < chunk ? n : chunk);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			shm_out_wait(p, out);
			continue;
		}
		if (w < 0) {
			if (errno != EPIPE) {
				relay_msg(e, "cannot write to the consumer: %s", strerror(errno));
				rc = 1;
			}
			shm_reader_gone(p);
			break;
		}
		ring_consume(r, (size_t)w);
		stats_add(e, (uint64_t)w, 0);
	}
	stats_end(e);
	return rc;
}

static int shm_relay_fds(const struct edge *e, int side, int *fds, int max)
{
	const struct shm_priv *p = e->priv;
	int n = 0;
	if (!p)
		return 0;
	int mine[3] = {p->live[side ? 1 : 0], p->lis[side ? 1 : 0], p->ring.fd};
	for (int i = 0; i < 3 && n < max; i++)
		if (mine[i] >= 0)
			fds[n++] = mine[i];
	return n;
}

/* The consumer stage relays in a thread: from now on its end of the
 * liveness pair is a program's (a stage killed is a reader gone). */
static void shm_out_thread_begin(struct edge *e)
{
	live_say(((struct shm_priv *)e->priv)->live[1], LIVE_DIRECT);
}

static int shm_relay_out_try(struct edge *e, int out, size_t room)
{
	struct shm_priv *p = e->priv;
	struct ring *r = &p->ring;
	for (;;) {
		const void *src;
		size_t n = ring_peek(r, &src);
		if (ring_error(r))
			return 0; /* relay_out says it */
		if (n == 0)
			return ring_eof(r) ? 1 : 0;
		if (n > room)
			return 0;
		if (write_all(out, src, n) < 0) {
			/* Not EPIPE: the stage holds the pipe's read end (fd 0). */
			relay_msg(e, "cannot write to the consumer: %s", strerror(errno));
			shm_reader_gone(p);
			return -1;
		}
		ring_consume(r, n);
		room -= n;
	}
}

static void shm_out_reader_gone(struct edge *e)
{
	shm_reader_gone(e->priv);
}

static void shm_release(struct edge *e)
{
	struct shm_priv *p = e->priv;
	if (!p)
		return;
	close(p->live[0]);
	close(p->live[1]);
	p->live[0] = p->live[1] = -1;
	bool ours = true; /* no program could ask for the ring */
	for (int i = 0; i < 2; i++)
		if (p->lis[i] >= 0) {
			close(p->lis[i]);
			p->lis[i] = -1;
			ours = false;
		}
	if (ours)
		return; /* shm_finish keeps it for the next pipeline */
	ring_destroy(&p->ring);
	free(p);
	e->priv = NULL;
}

/* The pipeline has ended: every process that mapped the ring is gone. */
static void shm_finish(struct edge *e)
{
	struct shm_priv *p = e->priv;
	if (!p)
		return;
	if (!spare.set || spare.pid != getpid()) {
		/* An inherited spare is our parent's: forgotten, not closed
		 * (its fd number was closed at the fork and may be reused). */
		spare.ring = p->ring;
		spare.pid = getpid();
		spare.set = true;
	} else {
		ring_destroy(&p->ring);
	}
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_shm = {
	.name = "shm",
	.prepare = shm_prepare,
	.relay_in = shm_relay_in,
	.relay_out = shm_relay_out,
	.relay_fds = shm_relay_fds,
	.write_in = shm_write_in,
	.close_in = shm_close_in,
	.release = shm_release,
	.finish = shm_finish,
	.stage_pipe = shm_stage_pipe,
	.out_thread = true,
	.out_thread_begin = shm_out_thread_begin,
	.reader_gone = shm_out_reader_gone,
	.relay_out_try = shm_relay_out_try,
};
