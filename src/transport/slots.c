/* slots.c — the bounded buffer of sysvshm and mmap (see slots.h). */
#include "slots.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void slots_geometry(uint64_t size, uint32_t *nslots, uint64_t *slot_size)
{
	/* 64K slots up to 16 of them; at least 4 slots so both sides work. */
	uint64_t n = size / (64u * 1024u);
	n = n < 4 ? 4 : n > SLOTS_MAX ? SLOTS_MAX : n;
	*nslots = (uint32_t)n;
	*slot_size = size / n;
}

size_t slots_map_len(uint64_t size)
{
	return SLOTS_HDR + (size_t)size;
}

int slots_init(struct slots *s, const struct slots_sync *sync, void *map, size_t map_len,
	       uint64_t size)
{
	_Static_assert(sizeof(struct slots_hdr) <= SLOTS_HDR, "slot header fits its page");
	s->sync = sync;
	s->h = map;
	s->data = (unsigned char *)map + SLOTS_HDR;
	s->map_len = map_len;
	s->pos = 0;
	memset(s->h, 0, sizeof *s->h);
	uint32_t n;
	uint64_t ss;
	slots_geometry(size, &n, &ss);
	s->h->nslots = n;
	s->h->slot_size = ss;
	return live_make(s->live);
}

static bool slots_gone(const struct slots *s)
{
	return atomic_load((_Atomic uint32_t *)&s->h->gone) != 0;
}

/* ---- relay_in ---- */

/* Wait for an empty slot. 0 got one, 1 stop quietly (reader gone), -1 error. */
static int in_take(struct edge *e, struct slots *s)
{
	for (;;) {
		if (slots_gone(s))
			return 1;
		if (s->sync->take(s, SLOT_EMPTY, SLOTS_LIVE_MS) == 0)
			return slots_gone(s) ? 1 : 0;
		if (errno != EAGAIN && errno != ETIMEDOUT && errno != EINTR) {
			relay_msg(e, "cannot wait for a free slot: %s", strerror(errno));
			return -1;
		}
		int l = live_peek(s->live[0], NULL);
		if (l == 2 && !slots_gone(s)) {
			relay_msg(e, "the consumer-side relay died");
			return -1;
		}
		if (l)
			return 1;
	}
}

/* Hand slot `i` of n bytes to the consumer. 0 or -1. */
static int in_post(struct edge *e, struct slots *s, uint32_t i, size_t n)
{
	s->h->len[i] = (uint32_t)n;
	s->pos++;
	if (s->sync->post(s, SLOT_FULL) < 0) {
		relay_msg(e, "cannot post a full slot: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Fill the slot from the producer's pipe: bytes read (*eof at its end),
 * or -1 (stop: *stop 1 quietly, -1 after a message). */
static ssize_t in_fill(struct edge *e, struct slots *s, int in, unsigned char *dst, bool *eof,
		       int *stop)
{
	size_t n = 0, cap = s->h->slot_size;
	bool napped = false;
	while (n < cap) {
		ssize_t r = read(in, dst + n, cap - n);
		if (r > 0) {
			n += (size_t)r;
			s->streak++;
			continue;
		}
		if (r == 0) {
			*eof = true;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			relay_msg(e, "cannot read from the producer: %s", strerror(errno));
			*stop = -1;
			return -1;
		}
		/* A slot partly filled: batch while the producer streams, once
		 * per slot, so that a trickle waits at most one window. */
		if (n && !napped && relay_batch_nap(s->streak)) {
			napped = true;
			continue;
		}
		if (n)
			break;
		s->streak = 0;
		int l = relay_in_wait(e, in, s->live[0], NULL);
		if (l) {
			*stop = l;
			return -1;
		}
	}
	return (ssize_t)n;
}

int slots_relay_in(struct edge *e, int in)
{
	struct slots *s = e->priv;
	if (fd_set_nonblock(in, true) < 0) {
		relay_msg(e, "cannot make the producer's pipe non-blocking: %s", strerror(errno));
		return 1;
	}
	bool eof = false;
	relay_batch_init();
	for (;;) {
		int t = in_take(e, s);
		if (t)
			return t < 0;
		uint32_t i = (uint32_t)(s->pos % s->h->nslots);
		int stop = 0;
		ssize_t n = eof ? 0 : in_fill(e, s, in, s->data + i * s->h->slot_size, &eof, &stop);
		if (n < 0) {
			/* Give the slot back empty-handed: a 0-length slot would
			 * read as the end, so post nothing and just stop. */
			return stop < 0;
		}
		if (in_post(e, s, i, (size_t)n) < 0)
			return 1;
		if (n == 0)
			return 0; /* that was the end marker */
	}
}

/* ---- ipcsh as the producer (write_in, close_in) ---- */

/* An empty slot for ipcsh's own writes: 0 got one, 1 none free (only
 * without wait), -1 with errno EPIPE (the reader is gone) or EIO (said). */
static int w_take(struct edge *e, struct slots *s, bool wait)
{
	if (wait) {
		int t = in_take(e, s);
		if (t)
			errno = t > 0 ? EPIPE : EIO;
		return t ? -1 : 0;
	}
	if (slots_gone(s)) {
		errno = EPIPE;
		return -1;
	}
	if (s->sync->take(s, SLOT_EMPTY, 0) == 0)
		return 0;
	if (errno == EAGAIN || errno == ETIMEDOUT || errno == EINTR)
		return 1;
	relay_msg(e, "cannot take a free slot: %s", strerror(errno));
	errno = EIO;
	return -1;
}

/* Fill the slot taken last with n bytes of buf (0: the end) and post it. */
static int w_post(struct edge *e, struct slots *s, const char *buf, size_t n)
{
	uint32_t i = (uint32_t)(s->wpos % s->h->nslots);
	memcpy(s->data + i * s->h->slot_size, buf, n);
	s->h->len[i] = (uint32_t)n;
	s->wpos++;
	if (s->sync->post(s, SLOT_FULL) < 0) {
		relay_msg(e, "cannot post a full slot: %s", strerror(errno));
		errno = EIO;
		return -1;
	}
	return 0;
}

ssize_t slots_write_in(struct edge *e, const char *buf, size_t n, bool wait)
{
	struct slots *s = e->priv;
	size_t done = 0;
	while (done < n) {
		int t = w_take(e, s, wait);
		if (t < 0)
			return -1;
		if (t)
			break;
		size_t k = n - done < s->h->slot_size ? n - done : (size_t)s->h->slot_size;
		if (w_post(e, s, buf + done, k) < 0)
			return -1;
		done += k;
	}
	return (ssize_t)done;
}

int slots_close_in(struct edge *e, bool wait)
{
	struct slots *s = e->priv;
	int t = w_take(e, s, wait);
	if (t)
		return t;
	return w_post(e, s, "", 0);
}

/* ---- relay_out ---- */

/* The consumer is gone: relay_in stops, the producer gets SIGPIPE. */
static void out_gone(struct slots *s)
{
	atomic_store((_Atomic uint32_t *)&s->h->gone, 1);
	if (s->sync->post(s, SLOT_EMPTY) < 0) {
		/* relay_in also sees the liveness word. */
	}
	live_say_gone(s->live[1]);
}

/* Wait for a full slot. 0 got one, 1 the consumer left, -1 error. */
static int out_take(struct edge *e, struct slots *s, int out)
{
	for (;;) {
		if (s->sync->take(s, SLOT_FULL, SLOTS_LIVE_MS) == 0)
			return 0;
		if (errno != EAGAIN && errno != ETIMEDOUT && errno != EINTR) {
			relay_msg(e, "cannot wait for a full slot: %s", strerror(errno));
			return -1;
		}
		if (relay_out_gone(out)) {
			out_gone(s);
			return 1;
		}
		if (live_peek(s->live[1], NULL) != 2)
			continue;
		/* relay_in hung up: what it posted before is there now. */
		if (s->sync->take(s, SLOT_FULL, 0) == 0)
			return 0;
		relay_msg(e, "the producer-side relay died mid-stream");
		return -1;
	}
}

int slots_relay_out(struct edge *e, int out)
{
	struct slots *s = e->priv;
	signal(SIGPIPE, SIG_IGN); /* EPIPE tells us the consumer left */
	int rc = 0;
	for (;;) {
		int t = out_take(e, s, out);
		if (t) {
			rc = t < 0;
			break;
		}
		uint32_t i = (uint32_t)(s->pos % s->h->nslots);
		size_t n = s->h->len[i];
		if (n == 0)
			break;
		if (n > s->h->slot_size) {
			relay_msg(e, "a slot holds %zu bytes, more than its size", n);
			rc = 1;
			break;
		}
		if (write_all(out, s->data + i * s->h->slot_size, n) < 0) {
			if (errno != EPIPE) {
				relay_msg(e, "cannot write to the consumer: %s", strerror(errno));
				rc = 1;
			}
			out_gone(s);
			break;
		}
		stats_add(e, n, 0);
		s->pos++;
		if (s->sync->post(s, SLOT_EMPTY) < 0) {
			relay_msg(e, "cannot post an empty slot: %s", strerror(errno));
			rc = 1;
			break;
		}
	}
	stats_end(e);
	return rc;
}

int slots_relay_fds(const struct edge *e, int side, int *fds, int max)
{
	const struct slots *s = e->priv;
	if (!s || max < 1)
		return 0;
	fds[0] = s->live[side ? 1 : 0];
	return 1;
}

void slots_publish(struct edge *e, struct slots *s, uint64_t size)
{
	char sz[32], ss[32];
	format_size(size, sz, sizeof sz);
	format_size(s->h->slot_size, ss, sizeof ss);
	snprintf(e->actual, sizeof e->actual, "size=%s,slots=%ux%s", sz, s->h->nslots, ss);
	e->priv = s;
	e->rfd = e->wfd = -1;
}

void slots_release(struct edge *e)
{
	struct slots *s = e->priv;
	if (!s || !s->h)
		return;
	close(s->live[0]);
	close(s->live[1]);
	s->sync->unmap(s);
	s->h = NULL;
}
