/* shm.c — the `shm` transport: a lock-free SPSC ring (ring.h) in an
 * anonymous shared mapping, with a relay on each side.
 *
 * The mapping has no name, so nothing can outlive the processes that map
 * it; the relays inherit it through fork(). relay_in read()s the producer's
 * pipe straight into the ring, relay_out write()s straight out of it into
 * the consumer's pipe: one copy in, one copy out, no buffer in between.
 *
 * Ends of the stream:
 *  - producer done: relay_in reads EOF, sets the ring's EOF flag, exits 0;
 *    relay_out drains the ring and exits 0, closing the consumer's stdin.
 *  - consumer gone: relay_out's write() fails with EPIPE; it sets the
 *    reader-gone flag (waking relay_in if it sleeps on a full ring), says so
 *    on the liveness socket, exits 0; relay_in stops at once, closing the
 *    producer's pipe, so the producer gets SIGPIPE as with a plain pipe.
 *  - a relay dies (killed): the other one, whose futex waits time out every
 *    LIVE_CHECK_MS, finds the liveness socket hung up without a word, prints
 *    "ipcsh: edge 1->2 (shm): the ... relay died" and exits 1.
 */
#include "internal.h"
#include "ring.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIVE_CHECK_MS 200

struct shm_priv {
	struct ring ring;
	int live[2]; /* [0] relay_in's end, [1] relay_out's end */
};

static int shm_prepare(struct edge *e, struct errbuf *err)
{
	char label[64];
	edge_label(e, label, sizeof label);
	uint64_t want = (e->spec.set & EOPT_SIZE) ? e->spec.size : RING_DEFAULT_SIZE;
	uint64_t size = ring_round_size(want);
	if (!size) {
		errbuf_set(err, "%s: size=%llu exceeds the largest ring (1G): use a smaller size", label,
			   (unsigned long long)want);
		return -1;
	}
	struct shm_priv *p = xcalloc(1, sizeof *p);
	if (ring_create(&p->ring, size) < 0) {
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
	e->priv = p;
	e->rfd = e->wfd = -1;
	char sz[32];
	format_size(size, sz, sizeof sz);
	snprintf(e->actual, sizeof e->actual, "size=%s", sz);
	return 0;
}

static size_t shm_chunk(const struct ring *r)
{
	/* Quarter-ring transfers: big enough to amortise syscalls and wake-ups,
	 * small enough that the other side works on the rest meanwhile. */
	return r->size / 4 > RING_MIN_SIZE ? r->size / 4 : RING_MIN_SIZE;
}

/* relay_in's look at its peer: 0 go on, 1 stop quietly, -1 it died. */
static int shm_in_live(struct edge *e, struct shm_priv *p)
{
	int l = live_peek(p->live[0]);
	if (l == 2 && !ring_reader_gone(&p->ring)) {
		relay_msg(e, "the consumer-side relay died");
		return -1;
	}
	return l ? 1 : 0;
}

static int shm_relay_in(struct edge *e, int in)
{
	struct shm_priv *p = e->priv;
	struct ring *r = &p->ring;
	size_t chunk = shm_chunk(r);
	uint64_t checked = now_ns();
	/* Non-blocking, so that while the producer is idle we wait in poll()
	 * with the liveness socket and stop as soon as the consumer is gone. */
	if (fd_set_nonblock(in, true) < 0) {
		relay_msg(e, "cannot make the producer's pipe non-blocking: %s", strerror(errno));
		return 1;
	}
	for (;;) {
		if (ring_reader_gone(r))
			return 0;
		void *dst;
		size_t n = ring_reserve(r, &dst);
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
		ssize_t got = read(in, dst, n < chunk ? n : chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN) {
			l = relay_in_wait(e, in, p->live[0]);
			if (l)
				return l < 0;
			continue;
		}
		if (got < 0) {
			relay_msg(e, "cannot read from the producer: %s", strerror(errno));
			ring_close_write(r);
			return 1;
		}
		if (got == 0) {
			ring_close_write(r);
			return 0;
		}
		ring_commit(r, (size_t)got);
	}
}

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
	if (ring_wait_data(&p->ring, LIVE_CHECK_MS))
		return 1;
	/* Idle: notice a consumer that left without waiting for the next
	 * write, so the producer is stopped at its next write, as by a pipe. */
	if (relay_out_gone(out)) {
		shm_reader_gone(p);
		return 0;
	}
	if (live_peek(p->live[1]) != 2)
		return 1;
	/* relay_in hung up: anything it wrote before is visible now. */
	const void *src;
	if (ring_peek(&p->ring, &src) > 0 || ring_eof(&p->ring))
		return 1;
	relay_msg(e, "the producer-side relay died mid-stream");
	return -1;
}

static int shm_relay_out(struct edge *e, int out)
{
	struct shm_priv *p = e->priv;
	struct ring *r = &p->ring;
	size_t chunk = shm_chunk(r);
	signal(SIGPIPE, SIG_IGN); /* EPIPE tells us the consumer left */
	int rc = 0;
	for (;;) {
		const void *src;
		size_t n = ring_peek(r, &src);
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
	if (!p || max < 1)
		return 0;
	fds[0] = p->live[side ? 1 : 0];
	return 1;
}

static void shm_release(struct edge *e)
{
	struct shm_priv *p = e->priv;
	if (!p)
		return;
	close(p->live[0]);
	close(p->live[1]);
	ring_destroy(&p->ring);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_shm = {
	.name = "shm",
	.prepare = shm_prepare,
	.relay_in = shm_relay_in,
	.relay_out = shm_relay_out,
	.relay_fds = shm_relay_fds,
	.release = shm_release,
};
