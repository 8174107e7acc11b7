/* conn.c — records over an fd pair (docs/PROTOCOL.md §1, §3): buffered
 * input parsed into frames, queued output, secretstream in TCP mode.
 *
 * Copies: the caller reads stream data straight into rconn_payload_buf();
 * in TCP mode encryption moves it into the output queue (the one copy the
 * encryption itself makes), in clear mode the payload buffer *is* the output
 * queue. Received frames are decrypted once into a frame buffer (TCP) or
 * handed out in place (clear). All buffers are allocated once, at their
 * maximum size, so no length read from the wire sizes an allocation.
 */
#include "proto.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for several records, so that compaction (moving a partial record to
 * the front) happens about once per four records read. */
#define IN_CAP (4 * (4 + RP_RECORD_MAX_CRYPTO))
#define OUT_MIN (2 * (4 + RP_RECORD_MAX_CRYPTO))

enum { PHASE_HANDSHAKE, PHASE_CLEAR, PHASE_CRYPTO };

struct rconn {
	int rfd, wfd;
	int phase;
	bool rx_final;
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	uint8_t *in;
	size_t in_off, in_len;
	uint8_t *plain;            /* decrypted frame */
	uint8_t *stage;            /* TCP mode: plaintext of the frame being built */
	uint8_t *out;
	size_t out_off, out_len, out_cap;
};

struct rconn *rconn_new(int rfd, int wfd)
{
	struct rconn *c = xcalloc(1, sizeof *c);
	c->rfd = rfd;
	c->wfd = wfd;
	c->in = xmalloc(IN_CAP);
	c->plain = xmalloc(RP_FRAME_HDR + RP_PAYLOAD_MAX);
	c->stage = xmalloc(RP_FRAME_HDR + RP_PAYLOAD_MAX);
	c->out_cap = OUT_MIN;
	c->out = xmalloc(c->out_cap);
	return c;
}

void rconn_free(struct rconn *c)
{
	if (!c)
		return;
	sodium_memzero(&c->tx, sizeof c->tx);
	sodium_memzero(&c->rx, sizeof c->rx);
	free(c->in);
	free(c->plain);
	free(c->stage);
	free(c->out);
	free(c);
}

void rconn_set_clear(struct rconn *c)
{
	c->phase = PHASE_CLEAR;
}

int rconn_set_crypto(struct rconn *c, const crypto_secretstream_xchacha20poly1305_state *tx,
		     const uint8_t rx_key[32], const uint8_t rx_header[24])
{
	if (crypto_secretstream_xchacha20poly1305_init_pull(&c->rx, rx_header, rx_key) != 0) {
		errno = EPROTO;
		return -1;
	}
	c->tx = *tx;
	c->phase = PHASE_CRYPTO;
	return 0;
}

bool rconn_got_final(const struct rconn *c)
{
	return c->rx_final;
}

/* Make room for at least one maximal record at the end of the input. */
static void in_compact(struct rconn *c)
{
	if (c->in_off == c->in_len) {
		c->in_off = c->in_len = 0;
	} else if (IN_CAP - c->in_len < 4 + RP_RECORD_MAX_CRYPTO && c->in_off > 0) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
}

ssize_t rconn_read(struct rconn *c)
{
	in_compact(c);
	for (;;) {
		ssize_t n = read(c->rfd, c->in + c->in_len, IN_CAP - c->in_len);
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
static int next_record(struct rconn *c, size_t min, size_t max, const uint8_t **hdr,
		       size_t *len, struct errbuf *e)
{
	size_t avail = c->in_len - c->in_off;
	if (avail < 4)
		return 0;
	const uint8_t *p = c->in + c->in_off;
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
	const uint8_t *hdr;
	int r = next_record(c, 1, max, &hdr, len, e);
	if (r == 1)
		*body = hdr + 4;
	return r;
}

static bool is_final_type(uint8_t type)
{
	return type == RP_EXIT || type == RP_ERROR;
}

static int open_frame(struct rconn *c, const uint8_t *hdr, size_t n, struct rframe *f,
		      struct errbuf *e)
{
	const uint8_t *fp = hdr + 4;
	size_t flen = n;
	bool final_tag = false;
	if (c->phase == PHASE_CRYPTO) {
		unsigned long long mlen;
		unsigned char tag;
		if (crypto_secretstream_xchacha20poly1305_pull(&c->rx, c->plain, &mlen, &tag, fp, n,
							       hdr, 4) != 0) {
			errbuf_set(e, "frame failed authentication");
			return -1;
		}
		if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE &&
		    tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
			errbuf_set(e, "frame with an unexpected tag");
			return -1;
		}
		final_tag = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
		fp = c->plain;
		flen = (size_t)mlen;
	}
	f->type = fp[0];
	f->chan = fp[1];
	f->payload = fp + RP_FRAME_HDR;
	f->len = flen - RP_FRAME_HDR;
	if (c->phase == PHASE_CRYPTO && final_tag != is_final_type(f->type)) {
		errbuf_set(e, "final tag on the wrong frame");
		return -1;
	}
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
	const uint8_t *hdr;
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

/* Ensure room for one maximal record at the end of the output queue. */
static void out_reserve(struct rconn *c)
{
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_cap - c->out_len >= 4 + RP_RECORD_MAX_CRYPTO)
		return;
	if (c->out_off > 0) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	while (c->out_cap - c->out_len < 4 + RP_RECORD_MAX_CRYPTO)
		c->out_cap *= 2;
	c->out = xrealloc(c->out, c->out_cap);
}

uint8_t *rconn_payload_buf(struct rconn *c)
{
	if (c->phase == PHASE_CRYPTO)
		return c->stage + RP_FRAME_HDR;
	out_reserve(c);
	return c->out + c->out_len + 4 + RP_FRAME_HDR;
}

void rconn_send(struct rconn *c, uint8_t type, uint8_t chan, size_t len, bool final)
{
	if (c->phase != PHASE_CRYPTO) {
		/* The payload is already in place (rconn_payload_buf). */
		uint8_t *p = c->out + c->out_len;
		rp_put32(p, (uint32_t)(RP_FRAME_HDR + len));
		p[4] = type;
		p[5] = chan;
		c->out_len += 4 + RP_FRAME_HDR + len;
		return;
	}
	out_reserve(c);
	uint8_t *p = c->out + c->out_len;
	size_t clen = RP_ABYTES + RP_FRAME_HDR + len;
	rp_put32(p, (uint32_t)clen);
	c->stage[0] = type;
	c->stage[1] = chan;
	unsigned char tag = final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
				  : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
	crypto_secretstream_xchacha20poly1305_push(&c->tx, p + 4, NULL, c->stage,
						   RP_FRAME_HDR + len, p, 4, tag);
	c->out_len += 4 + clen;
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
	out_reserve(c);
	rp_put32(c->out + c->out_len, (uint32_t)len);
	memcpy(c->out + c->out_len + 4, body, len);
	c->out_len += 4 + len;
}

size_t rconn_pending(const struct rconn *c)
{
	return c->out_len - c->out_off;
}

int rconn_flush(struct rconn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = write(c->wfd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

size_t rconn_take_output(struct rconn *c, uint8_t *buf, size_t cap)
{
	size_t n = rconn_pending(c);
	if (n > cap)
		n = cap;
	memcpy(buf, c->out + c->out_off, n);
	c->out_off += n;
	return n;
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
