/* conn.c — records over an fd pair (docs/PROTOCOL.md §1, §3): buffered
 * input parsed into frames, queued output, the Noise transport ciphers
 * (AES-256-GCM or ChaCha20-Poly1305, noise_cs_*) in TCP mode.
 *
 * Copies in this layer: none. The caller reads stream data straight into
 * rconn_payload_buf(), which is the place of the next record in the output
 * queue; in TCP mode the frame is sealed there, in place. Received frames
 * are opened in place in the input buffer (TCP) or handed out as they are
 * (clear). A separate buffer to seal from and one to open into cost 512 KiB
 * a connection, kept hot in the cache, for nothing: in place, the same
 * bytes go out (the AEADs of both libraries seal and open in place). No
 * length read from the wire sizes an allocation.
 *
 * Nothing is moved once it is in a buffer: the output queue is a list of
 * chunks written with writev() (a record is built in place at the end of
 * the last chunk, or starts a new one), and input is read so that a record
 * never has to be moved to the front to fit (see in_read_limit()).
 */
#include "proto.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* The longest record with its length prefix. */
#define REC_SPAN (4 + RP_RECORD_MAX_CRYPTO)
/* Input: room for several records, so that most reads are large. */
#define IN_CAP (4 * REC_SPAN)
/* Output chunks hold two maximal records; two spare chunks are kept, so
 * that a streaming connection allocates nothing after its start. */
#define CHUNK_CAP (2 * REC_SPAN)
#define SPARE_MAX 2
#define IOV_MAX_OUT 8

struct ochunk {
	struct ochunk *next;
	size_t off, len;
	uint8_t data[CHUNK_CAP];
};

enum { PHASE_HANDSHAKE, PHASE_CLEAR, PHASE_CRYPTO };

struct rconn {
	int rfd, wfd;
	int phase;
	bool rx_final;
	struct noise_cs tx, rx;
	uint8_t *in;
	size_t in_off, in_len;
	uint64_t moved;            /* input bytes moved to make room (tests) */
	struct ochunk *head, *tail; /* output queue */
	struct ochunk *spare;       /* free chunks, at most SPARE_MAX */
	size_t nspare;
	size_t out_bytes;           /* queued, not yet written */
};

struct rconn *rconn_new(int rfd, int wfd)
{
	struct rconn *c = xcalloc(1, sizeof *c);
	c->rfd = rfd;
	c->wfd = wfd;
	c->in = xmalloc(IN_CAP);
	return c;
}

static void chunks_free(struct ochunk *ch)
{
	while (ch) {
		struct ochunk *next = ch->next;
		free(ch);
		ch = next;
	}
}

void rconn_free(struct rconn *c)
{
	if (!c)
		return;
	noise_cs_wipe(&c->tx);
	noise_cs_wipe(&c->rx);
	free(c->in);
	chunks_free(c->head);
	chunks_free(c->spare);
	free(c);
}

void rconn_set_clear(struct rconn *c)
{
	c->phase = PHASE_CLEAR;
}

void rconn_set_crypto(struct rconn *c, const struct noise_cs *tx, const struct noise_cs *rx)
{
	c->tx = *tx;
	c->rx = *rx;
	c->phase = PHASE_CRYPTO;
}

bool rconn_got_final(const struct rconn *c)
{
	return c->rx_final;
}

uint64_t rconn_bytes_moved(const struct rconn *c)
{
	return c->moved;
}

/* Make room for at least one maximal record at the end of the input. */
static void in_compact(struct rconn *c)
{
	if (c->in_off == c->in_len) {
		c->in_off = c->in_len = 0;
	} else if (IN_CAP - c->in_len < 4 + RP_RECORD_MAX_CRYPTO && c->in_off > 0) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->moved += c->in_len - c->in_off;
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
}

/* How much the next read may take without a record ever having to move:
 * reads fill the buffer freely up to IN_CAP - REC_SPAN, so a record begun
 * there still ends inside the buffer; beyond that point a read stops at the
 * end of the first incomplete record (or of its length prefix), and once
 * the caller has taken every record the buffer starts over at 0. Only
 * records left unread by the caller, or a length the next rconn_next()
 * refuses, fall back to moving bytes. */
static size_t in_read_limit(struct rconn *c)
{
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
	if (c->in_len < IN_CAP - REC_SPAN)
		return IN_CAP - REC_SPAN - c->in_len;
	size_t p = c->in_off, end;
	for (;;) {
		size_t avail = c->in_len - p;
		if (avail < 4) {
			end = p + 4;
			break;
		}
		size_t n = rp_get32(c->in + p);
		if (avail - 4 < n) {
			end = p + 4 + n;
			break;
		}
		p += 4 + n;
	}
	if (end <= IN_CAP)
		return end - c->in_len;
	in_compact(c);
	return IN_CAP - c->in_len;
}

ssize_t rconn_read(struct rconn *c)
{
	size_t max = in_read_limit(c);
	for (;;) {
		ssize_t n = read(c->rfd, c->in + c->in_len, max);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			c->in_len += (size_t)n;
		return n;
	}
}

size_t rconn_feed(struct rconn *c, const uint8_t *p, size_t n)
{
	in_compact(c);
	size_t room = IN_CAP - c->in_len;
	if (n > room)
		n = room;
	memcpy(c->in + c->in_len, p, n);
	c->in_len += n;
	return n;
}

/* The next complete record of at most max bytes: 1, 0 (need more), -1. */
static int next_record(struct rconn *c, size_t min, size_t max, uint8_t **hdr,
		       size_t *len, struct errbuf *e)
{
	size_t avail = c->in_len - c->in_off;
	if (avail < 4)
		return 0;
	uint8_t *p = c->in + c->in_off;
	uint32_t n = rp_get32(p);
	if (n < min || n > max) {
		errbuf_set(e, "bad record length %lu", (unsigned long)n);
		return -1;
	}
	if (avail - 4 < n)
		return 0;
	*hdr = p;
	*len = n;
	c->in_off += 4 + (size_t)n;
	return 1;
}

int rconn_next_raw(struct rconn *c, size_t max, const uint8_t **body, size_t *len,
		   struct errbuf *e)
{
	uint8_t *hdr;
	int r = next_record(c, 1, max, &hdr, len, e);
	if (r == 1)
		*body = hdr + 4;
	return r;
}

static bool is_final_type(uint8_t type)
{
	return type == RP_EXIT || type == RP_ERROR;
}

/* hdr: a whole record in the input buffer, already taken (in_off is past
 * it), so that it may be opened in place. */
static int open_frame(struct rconn *c, uint8_t *hdr, size_t n, struct rframe *f,
		      struct errbuf *e)
{
	uint8_t *fp = hdr + 4;
	size_t flen = n;
	if (c->phase == PHASE_CRYPTO) {
		/* The nonce is the count of frames received: a frame modified,
		 * replayed, reordered, dropped or reflected does not open. */
		long m = noise_cs_decrypt(&c->rx, hdr, 4, fp, n, fp);
		if (m < (long)RP_FRAME_HDR) {
			errbuf_set(e, "frame failed authentication");
			return -1;
		}
		flen = (size_t)m;
	}
	f->type = fp[0];
	f->chan = fp[1];
	f->payload = fp + RP_FRAME_HDR;
	f->len = flen - RP_FRAME_HDR;
	c->rx_final = is_final_type(f->type);
	return 1;
}

int rconn_next(struct rconn *c, struct rframe *f, struct errbuf *e)
{
	if (c->phase == PHASE_HANDSHAKE) {
		errbuf_set(e, "frame before the handshake ended");
		return -1;
	}
	bool crypto = c->phase == PHASE_CRYPTO;
	size_t min = RP_FRAME_HDR + (crypto ? RP_ABYTES : 0);
	size_t max = crypto ? RP_RECORD_MAX_CRYPTO : RP_RECORD_MAX_CLEAR;
	uint8_t *hdr;
	size_t n;
	int r = next_record(c, min, max, &hdr, &n, e);
	if (r != 1)
		return r;
	if (c->rx_final) {
		errbuf_set(e, "frame after the final one");
		return -1;
	}
	return open_frame(c, hdr, n, f, e);
}

/* The end of the output queue, with room for need bytes: the last chunk,
 * or a new (or spare) one after it. */
static uint8_t *out_reserve(struct rconn *c, size_t need)
{
	struct ochunk *t = c->tail;
	if (!t || CHUNK_CAP - t->len < need) {
		t = c->spare;
		if (t) {
			c->spare = t->next;
			c->nspare--;
		} else {
			t = xmalloc(sizeof *t);
		}
		t->next = NULL;
		t->off = t->len = 0;
		if (c->tail)
			c->tail->next = t;
		else
			c->head = t;
		c->tail = t;
	}
	return t->data + t->len;
}

/* n bytes were added at the end (where out_reserve pointed). */
static void out_commit(struct rconn *c, size_t n)
{
	c->tail->len += n;
	c->out_bytes += n;
}

/* The head chunk is written out: drop it (keeping a few for reuse). */
static void out_pop(struct rconn *c)
{
	struct ochunk *h = c->head;
	c->head = h->next;
	if (!c->head)
		c->tail = NULL;
	if (c->nspare < SPARE_MAX) {
		h->next = c->spare;
		c->spare = h;
		c->nspare++;
	} else {
		free(h);
	}
}

/* The payload goes where its record will be, at the end of the output
 * queue, with room for the longest record (and its tag). */
uint8_t *rconn_payload_buf(struct rconn *c)
{
	return out_reserve(c, 4 + RP_RECORD_MAX_CRYPTO) + 4 + RP_FRAME_HDR;
}

void rconn_send(struct rconn *c, uint8_t type, uint8_t chan, size_t len, bool final)
{
	/* The payload is already in place (rconn_payload_buf). */
	uint8_t *p = c->tail->data + c->tail->len;
	bool crypto = c->phase == PHASE_CRYPTO;
	size_t body = RP_FRAME_HDR + len + (crypto ? RP_ABYTES : 0);
	rp_put32(p, (uint32_t)body);
	p[4] = type;
	p[5] = chan;
	(void)final; /* the type marks the last frame (EXIT, ERROR) */
	/* Sealed in place: the tag goes after the payload. */
	if (crypto && noise_cs_encrypt(&c->tx, p, 4, p + 4, RP_FRAME_HDR + len, p + 4) < 0)
		abort(); /* 2^64 frames: cannot happen */
	out_commit(c, 4 + body);
}

void rconn_send_msg(struct rconn *c, uint8_t type, uint8_t chan, const void *p, size_t len,
		    bool final)
{
	uint8_t *buf = rconn_payload_buf(c);
	if (len)
		memcpy(buf, p, len);
	rconn_send(c, type, chan, len, final);
}

void rconn_send_raw(struct rconn *c, const uint8_t *body, size_t len)
{
	uint8_t *p = out_reserve(c, 4 + len);
	rp_put32(p, (uint32_t)len);
	memcpy(p + 4, body, len);
	out_commit(c, 4 + len);
}

size_t rconn_pending(const struct rconn *c)
{
	return c->out_bytes;
}

/* Drop w written bytes from the front of the queue. */
static void out_advance(struct rconn *c, size_t w)
{
	c->out_bytes -= w;
	while (c->head) {
		struct ochunk *h = c->head;
		size_t left = h->len - h->off, k = w < left ? w : left;
		h->off += k;
		w -= k;
		if (h->off < h->len)
			break;
		out_pop(c);
	}
}

int rconn_flush(struct rconn *c)
{
	while (c->out_bytes) {
		struct iovec iov[IOV_MAX_OUT];
		int n = 0;
		for (struct ochunk *ch = c->head; ch && n < IOV_MAX_OUT; ch = ch->next)
			if (ch->len > ch->off)
				iov[n++] = (struct iovec){ch->data + ch->off, ch->len - ch->off};
		ssize_t w = writev(c->wfd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		out_advance(c, (size_t)w);
	}
	return 0;
}

size_t rconn_take_output(struct rconn *c, uint8_t *buf, size_t cap)
{
	size_t done = 0;
	while (c->head && done < cap) {
		struct ochunk *h = c->head;
		size_t k = h->len - h->off;
		if (k > cap - done)
			k = cap - done;
		memcpy(buf + done, h->data + h->off, k);
		done += k;
		out_advance(c, k);
	}
	return done;
}

/* Poll one fd for ev until deadline: 1 ready, -1 with errno. */
static int wait_fd(int fd, short ev, uint64_t deadline)
{
	int ms = -1;
	if (deadline) {
		uint64_t now = now_ns();
		if (now >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		ms = (int)((deadline - now) / 1000000u) + 1;
	}
	struct pollfd p = {.fd = fd, .events = ev};
	int r = poll(&p, 1, ms);
	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 1 : -1;
}

int rconn_flush_wait(struct rconn *c, uint64_t deadline)
{
	for (;;) {
		if (rconn_flush(c) < 0)
			return -1;
		if (!rconn_pending(c))
			return 0;
		if (wait_fd(c->wfd, POLLOUT, deadline) < 0)
			return -1;
	}
}

int rconn_wait_raw(struct rconn *c, size_t max, uint64_t deadline, const uint8_t **body,
		   size_t *len, struct errbuf *e)
{
	for (;;) {
		int r = rconn_next_raw(c, max, body, len, e);
		if (r < 0)
			errno = EPROTO;
		if (r != 0)
			return r;
		if (wait_fd(c->rfd, POLLIN, deadline) < 0) {
			errbuf_set(e, "%s", errno == ETIMEDOUT ? "handshake timed out" : strerror(errno));
			return -1;
		}
		ssize_t n = rconn_read(c);
		if (n == 0 && c->in_len > c->in_off) {
			errno = EPROTO;
			errbuf_set(e, "truncated handshake message");
			return -1;
		}
		if (n == 0)
			return 0;
		if (n < 0 && errno != EAGAIN) {
			errbuf_set(e, "%s", strerror(errno));
			return -1;
		}
	}
}
