/* ring_api.c — libipcsh's ring calls over src/transport/ring.c. The
 * consumer trusts nothing in the shared mapping: ring.c bounds every
 * counter it reads by the size ipcsh handed over, and every wait is timed
 * so that a dead peer is noticed on the liveness socket. */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../transport/ringproto.h"

static ipcsh_ring *open_rings;
static int atexit_done;

static void close_all_at_exit(void)
{
	while (open_rings)
		(void)ipcsh_ring_close(open_rings);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

API ipcsh_ring *ipcsh_ring__adopt(int memfd, int live, int side, uint64_t size, uint64_t pos,
				  unsigned flags)
{
	ipcsh_ring *r = calloc(1, sizeof *r);
	if (!r || (side != 0 && side != 1) || ring_map_fd(&r->r, memfd, size, true) < 0) {
		int e = r ? errno : ENOMEM;
		free(r);
		close(memfd);
		if (live >= 0)
			close(live);
		errno = (side != 0 && side != 1) ? EINVAL : e;
		return NULL;
	}
	ring_set_pos(&r->r, pos, side == 0);
	r->side = side;
	r->live = live;
	r->mode = (flags & RINGPROTO_SPIN) ? IPCSH_RING_SPIN : IPCSH_RING_BLOCK;
	r->spin_ns = 50000;
	if (!atexit_done)
		atexit_done = atexit(close_all_at_exit) == 0;
	r->next = open_rings;
	open_rings = r;
	return r;
}

int lib_take_leftovers(ipcsh_ring *r, int fd)
{
	size_t cap = 0;
	for (;;) {
		if (r->pend_len == cap) {
			size_t ncap = cap ? cap * 2 : 64 * 1024;
			unsigned char *p = realloc(r->pend, ncap);
			if (!p)
				return -1;
			r->pend = p;
			cap = ncap;
		}
		ssize_t n = read(fd, r->pend + r->pend_len, cap - r->pend_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		r->pend_len += (size_t)n;
	}
}

API int ipcsh_ring_set_mode(ipcsh_ring *r, int mode, unsigned spin_us)
{
	if (!r || mode < IPCSH_RING_BLOCK || mode > IPCSH_RING_SPIN) {
		errno = EINVAL;
		return -1;
	}
	r->mode = mode;
	r->spin_ns = (uint64_t)(spin_us ? spin_us : 50) * 1000u;
	return 0;
}

API int ipcsh_ring_mode(const ipcsh_ring *r)
{
	return r ? r->mode : -1;
}

API size_t ipcsh_ring_capacity(const ipcsh_ring *r)
{
	return r ? (size_t)r->r.size : 0;
}

/* The liveness socket: has the peer's side gone (hung up, or said 'G')?
 * 'D' (a relay handed its side to a program) means nothing here. */
static bool peer_gone(ipcsh_ring *r)
{
	if (r->peer_gone || r->live < 0)
		return r->peer_gone;
	char buf[16];
	for (;;) {
		ssize_t n = recv(r->live, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0 || memchr(buf, 'G', (size_t)n)) {
			r->peer_gone = true;
			return true;
		}
	}
}

static int fail(int e)
{
	errno = e;
	return -1;
}

/* EPIPE as write(2) gives it: SIGPIPE first (it may kill us, as a pipe
 * does), then the error when it is ignored or handled. */
static int epipe(void)
{
	raise(SIGPIPE);
	return fail(EPIPE);
}

/* Spin while the peer is awake on another CPU, at most r->spin_ns.
 * ready() is re-tried between pauses. */
static bool spin_until(ipcsh_ring *r, bool (*ready)(ipcsh_ring *, size_t), size_t min)
{
	uint64_t t0 = 0;
	int me = sched_getcpu();
	ring_note_cpu(&r->r, r->side, me);
	for (unsigned i = 0;; i++) {
		if (ready(r, min))
			return true;
		if ((i & 63) == 0) {
			int pc = ring_peer_cpu(&r->r, r->side);
			if (pc < 0 || pc == me)
				return false;
			uint64_t t = mono_ns();
			if (!t0)
				t0 = t;
			else if (t - t0 > r->spin_ns)
				return false;
		}
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
}

/* ---- producer ---- */

static bool space_for(ipcsh_ring *r, size_t min)
{
	void *p;
	return ring_reserve(&r->r, &p) >= min || ring_error(&r->r) || ring_reader_gone(&r->r);
}

API ssize_t ipcsh_ring_reserve(ipcsh_ring *r, void **p, size_t min)
{
	if (!r || r->side != 0 || min > r->r.size)
		return fail(EINVAL);
	if (!min)
		min = 1;
	for (;;) {
		if (ring_reader_gone(&r->r))
			return epipe();
		size_t n = ring_reserve(&r->r, p);
		if (ring_error(&r->r))
			return fail(EPROTO);
		if (n >= min) {
			r->reserved = n;
			return (ssize_t)n;
		}
		if (r->mode == IPCSH_RING_NONBLOCK)
			return peer_gone(r) ? epipe() : fail(EAGAIN);
		if (r->mode == IPCSH_RING_SPIN && spin_until(r, space_for, min))
			continue;
		r->r.want = min;
		bool woke = ring_wait_space(&r->r, LIB_LIVE_MS);
		r->r.want = 0;
		if (!woke && peer_gone(r))
			return epipe();
	}
}

API int ipcsh_ring_commit(ipcsh_ring *r, size_t n)
{
	if (!r || r->side != 0 || n > r->reserved)
		return fail(EINVAL);
	r->reserved = 0;
	if (n)
		ring_commit(&r->r, n);
	if (r->mode == IPCSH_RING_SPIN)
		ring_note_cpu(&r->r, 0, sched_getcpu());
	return 0;
}

API ssize_t ipcsh_ring_write(ipcsh_ring *r, const void *buf, size_t n)
{
	const unsigned char *b = buf;
	size_t done = 0;
	if (!r || r->side != 0)
		return fail(EINVAL);
	while (done < n) {
		void *p;
		ssize_t got = ipcsh_ring_reserve(r, &p, 1);
		if (got < 0) {
			if (errno == EAGAIN && done)
				break;
			return done && errno != EPIPE ? (ssize_t)done : -1;
		}
		size_t k = n - done < (size_t)got ? n - done : (size_t)got;
		memcpy(p, b + done, k);
		(void)ipcsh_ring_commit(r, k);
		done += k;
	}
	return (ssize_t)done;
}

/* ---- consumer ---- */

static bool data_for(ipcsh_ring *r, size_t min)
{
	const void *p;
	return ring_peek(&r->r, &p) >= min || ring_error(&r->r) || ring_eof_flag(&r->r);
}

/* The producer's side is gone: what it committed is readable; no more
 * will come. Returns what ring_peek gives, or -1 (EIO) when nothing is
 * left and it never closed. */
static ssize_t after_peer(ipcsh_ring *r, const void **p)
{
	size_t n = ring_peek(&r->r, p);
	if (ring_error(&r->r))
		return fail(EPROTO);
	if (n)
		return (ssize_t)n;
	return ring_eof_flag(&r->r) ? 0 : fail(EIO);
}

/* The ring itself: at least min bytes, fewer only before EOF. */
static ssize_t peek_ring(ipcsh_ring *r, const void **p, size_t min)
{
	for (;;) {
		size_t n = ring_peek(&r->r, p);
		if (ring_error(&r->r))
			return fail(EPROTO);
		if (n >= min || (n && ring_eof_flag(&r->r)))
			return (ssize_t)n;
		if (!n && ring_eof(&r->r))
			return 0;
		if (r->mode == IPCSH_RING_NONBLOCK) {
			if (!peer_gone(r))
				return fail(EAGAIN);
		} else if (r->mode == IPCSH_RING_SPIN && spin_until(r, data_for, min)) {
			continue;
		} else {
			r->r.want = min;
			bool woke = ring_wait_data(&r->r, LIB_LIVE_MS);
			r->r.want = 0;
			if (woke || !peer_gone(r))
				continue;
		}
		return after_peer(r, p);
	}
}

/* Fewer than min leftovers from the pipe: move ring bytes behind them. */
static ssize_t grow_pend(ipcsh_ring *r, size_t min)
{
	while (r->pend_len - r->pend_off < min) {
		const void *q;
		ssize_t n = peek_ring(r, &q, 1);
		if (n <= 0)
			return n < 0 ? -1 : 0;
		size_t k = min - (r->pend_len - r->pend_off);
		k = k < (size_t)n ? k : (size_t)n;
		unsigned char *np = realloc(r->pend, r->pend_len + k);
		if (!np)
			return -1;
		r->pend = np;
		memcpy(r->pend + r->pend_len, q, k);
		r->pend_len += k;
		ring_consume(&r->r, k);
	}
	return 0;
}

API ssize_t ipcsh_ring_peek(ipcsh_ring *r, const void **p, size_t min)
{
	if (!r || r->side != 1 || min > r->r.size)
		return fail(EINVAL);
	if (!min)
		min = 1;
	if (r->pend_off < r->pend_len) { /* the pipe's leftovers come first */
		if (r->pend_len - r->pend_off < min && grow_pend(r, min) < 0)
			return -1;
		*p = r->pend + r->pend_off;
		r->peeked = r->pend_len - r->pend_off;
		return (ssize_t)r->peeked;
	}
	ssize_t k = peek_ring(r, p, min);
	r->peeked = k > 0 ? (size_t)k : 0;
	return k;
}

API int ipcsh_ring_release(ipcsh_ring *r, size_t n)
{
	if (!r || r->side != 1 || n > r->peeked)
		return fail(EINVAL);
	r->peeked -= n;
	if (r->pend_off < r->pend_len) {
		r->pend_off += n;
		if (r->pend_off == r->pend_len) {
			free(r->pend);
			r->pend = NULL;
			r->pend_off = r->pend_len = 0;
		}
		r->peeked = 0;
		return 0;
	}
	r->peeked = 0;
	if (n)
		ring_consume(&r->r, n);
	if (r->mode == IPCSH_RING_SPIN)
		ring_note_cpu(&r->r, 1, sched_getcpu());
	return 0;
}

API ssize_t ipcsh_ring_read(ipcsh_ring *r, void *buf, size_t n)
{
	if (!r || r->side != 1)
		return fail(EINVAL);
	if (!n)
		return 0;
	const void *p;
	ssize_t got = ipcsh_ring_peek(r, &p, 1);
	if (got <= 0)
		return got;
	size_t k = n < (size_t)got ? n : (size_t)got;
	memcpy(buf, p, k);
	(void)ipcsh_ring_release(r, k);
	return (ssize_t)k;
}

/* ---- both ---- */

API int ipcsh_ring_close(ipcsh_ring *r)
{
	if (!r)
		return fail(EINVAL);
	for (ipcsh_ring **pp = &open_rings; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	lib_forget(r);
	ring_note_cpu(&r->r, r->side, -1);
	if (r->side == 0) {
		ring_close_write(&r->r);
	} else {
		ring_close_read(&r->r);
		char g = 'G';
		if (r->live >= 0 && send(r->live, &g, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* the producer's side is gone already */
		}
	}
	if (r->live >= 0)
		close(r->live);
	ring_destroy(&r->r);
	free(r->pend);
	free(r);
	return 0;
}
