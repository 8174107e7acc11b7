/* test_proto.c — the remote-stage frame codec (docs/PROTOCOL.md §1, §3):
 * round trips in clear and encrypted mode, and rejection of a flipped bit,
 * a truncated stream, a replayed or reordered frame, a bad length, frames
 * after the final one, and malformed EXEC payloads. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remote/proto.h"
#include "tap.h"

#define BIG (8u << 20)
static uint8_t wire[BIG];

struct pair {
	struct rconn *tx, *rx;
};

/* The cipher of the encrypted pairs: each test runs with both where the
 * CPU has hardware AES. */
static uint8_t cipher = NOISE_CHACHAPOLY;

/* Two connections sharing keys: tx pushes (writing wfd), rx pulls (reading
 * rfd) (server → client). */
static struct pair pair_new_mode(bool crypto, int wfd, int rfd)
{
	struct pair p = {rconn_new(-1, wfd), rconn_new(rfd, -1)};
	if (!crypto) {
		rconn_set_clear(p.tx);
		rconn_set_clear(p.rx);
		return p;
	}
	/* tx seals with cs, rx opens with the same key and nonce; the unused
	 * directions get a throwaway key. */
	struct noise_cs cs = {.has_k = true, .cipher = cipher}, other = cs;
	randombytes_buf(cs.k, sizeof cs.k);
	randombytes_buf(other.k, sizeof other.k);
	rconn_set_crypto(p.tx, &cs, &other);
	rconn_set_crypto(p.rx, &other, &cs);
	return p;
}

static struct pair pair_new(bool crypto)
{
	return pair_new_mode(crypto, -1, -1);
}

static struct pair pair_new_fds(int wfd, int rfd)
{
	return pair_new_mode(true, wfd, rfd);
}

static void pair_free(struct pair *p)
{
	rconn_free(p->tx);
	rconn_free(p->rx);
}

/* Move everything queued on tx into wire[]; returns its length. */
static size_t drain(struct pair *p)
{
	return rconn_take_output(p->tx, wire, sizeof wire);
}

/* Feed wire[0..n) into rx and count frames until an error; returns the
 * count, or -1 - count on an error. */
static int feed_count(struct pair *p, const uint8_t *w, size_t n, struct rframe *last)
{
	int count = 0;
	struct errbuf e;
	size_t off = 0;
	for (;;) {
		off += rconn_feed(p->rx, w + off, n - off);
		int r;
		while ((r = rconn_next(p->rx, last, &e)) == 1)
			count++;
		if (r < 0)
			return -1 - count;
		if (off == n)
			return count;
	}
}

static void test_roundtrip(bool crypto)
{
	struct pair p = pair_new(crypto);
	const char *mode = crypto ? "encrypted" : "clear";
	uint8_t *buf = rconn_payload_buf(p.tx);
	for (size_t i = 0; i < RP_PAYLOAD_MAX; i++)
		buf[i] = (uint8_t)(i * 7);
	rconn_send(p.tx, RP_DATA, 1, RP_PAYLOAD_MAX, false);
	rconn_send_msg(p.tx, RP_DATA, 2, "err", 3, false);
	rconn_send_msg(p.tx, RP_EOF, 1, NULL, 0, false);
	uint8_t ex[2] = {0, 3};
	rconn_send_msg(p.tx, RP_EXIT, 0, ex, 2, true);
	size_t n = drain(&p);
	struct errbuf e;
	struct rframe f;
	size_t off = rconn_feed(p.rx, wire, n);
	int r = rconn_next(p.rx, &f, &e);
	bool ok = r == 1 && f.type == RP_DATA && f.chan == 1 && f.len == RP_PAYLOAD_MAX;
	for (size_t i = 0; ok && i < f.len; i++)
		ok = f.payload[i] == (uint8_t)(i * 7);
	TAP_OK(ok && rframe_check(&f, true, &e) == 0, "%s: a maximal DATA frame round-trips", mode);
	off += rconn_feed(p.rx, wire + off, n - off);
	r = rconn_next(p.rx, &f, &e);
	TAP_OK(r == 1 && f.chan == 2 && f.len == 3 && memcmp(f.payload, "err", 3) == 0,
	       "%s: a small DATA frame on stderr", mode);
	r = rconn_next(p.rx, &f, &e);
	TAP_OK(r == 1 && f.type == RP_EOF && f.len == 0, "%s: EOF", mode);
	r = rconn_next(p.rx, &f, &e);
	TAP_OK(r == 1 && f.type == RP_EXIT && f.payload[1] == 3 && rconn_got_final(p.rx),
	       "%s: EXIT is final", mode);
	TAP_OK(off == n && rconn_next(p.rx, &f, &e) == 0, "%s: nothing left", mode);
	pair_free(&p);
}

static uint8_t pattern(uint64_t x)
{
	return (uint8_t)(x * 131u + (x >> 9));
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Encrypted frames of random sizes (1 byte to the maximum) streamed over a
 * non-blocking socket pair with small buffers, so that writes are partial
 * and reads end anywhere: every byte arrives, and the reader never moved a
 * byte to make room (docs/PROTOCOL.md: no copies beyond the encryption). */
static void test_stream(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	int sz = 48 * 1024;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	struct pair p = pair_new_fds(sv[0], sv[1]);
	const uint64_t total = 32u << 20;
	uint64_t sent = 0, got = 0;
	uint32_t rng = 2463534242u;
	bool ok = true;
	struct errbuf e = {{0}};
	while (ok && got < total) {
		if (sent < total && rconn_pending(p.tx) < RP_RECORD_MAX_CRYPTO) {
			uint32_t r = xorshift(&rng);
			size_t n = r % 4 == 0 ? 1 + r % 100 : 1 + r % RP_PAYLOAD_MAX;
			if (n > total - sent)
				n = (size_t)(total - sent);
			uint8_t *b = rconn_payload_buf(p.tx);
			for (size_t i = 0; i < n; i++)
				b[i] = pattern(sent + i);
			rconn_send(p.tx, RP_DATA, 1, n, false);
			sent += n;
		}
		ok = rconn_flush(p.tx) == 0;
		ssize_t r = rconn_read(p.rx);
		if (r == 0 || (r < 0 && errno != EAGAIN))
			ok = false;
		struct rframe f;
		int k;
		while (ok && (k = rconn_next(p.rx, &f, &e)) == 1) {
			for (size_t i = 0; ok && i < f.len; i++)
				ok = f.payload[i] == pattern(got + i);
			got += f.len;
		}
		if (k < 0)
			ok = false;
	}
	TAP_OK(ok && got == total, "32 MiB in random-sized encrypted frames over a socket arrive intact %s",
	       e.msg);
	TAP_OK(rconn_bytes_moved(p.rx) == 0, "the reader moved no byte to make room (%llu moved)",
	       (unsigned long long)rconn_bytes_moved(p.rx));
	pair_free(&p);
	close(sv[0]);
	close(sv[1]);
}

/* Three frames on the wire; returns the offsets of each record. */
static size_t three_frames(struct pair *p, size_t rec[4])
{
	rec[0] = 0;
	rconn_send_msg(p->tx, RP_DATA, 1, "one", 3, false);
	rec[1] = rconn_pending(p->tx);
	rconn_send_msg(p->tx, RP_DATA, 1, "two", 3, false);
	rec[2] = rconn_pending(p->tx);
	rconn_send_msg(p->tx, RP_DATA, 1, "three", 5, false);
	rec[3] = rconn_pending(p->tx);
	return drain(p);
}

static void test_tamper(void)
{
	size_t rec[4];
	static uint8_t copy[BIG];
	struct rframe f;
	/* A flipped bit anywhere in a record's body. */
	struct pair p0 = pair_new(true);
	size_t n = three_frames(&p0, rec);
	memcpy(copy, wire, n);
	pair_free(&p0);
	int rejected = 0, tries = 0;
	for (size_t pos = rec[1] + 4; pos < rec[2]; pos++) {
		for (int bit = 0; bit < 8; bit += 3) {
			struct pair p = pair_new(true);
			size_t m = three_frames(&p, rec);
			m = m < n ? m : n;
			wire[pos] ^= (uint8_t)(1u << bit);
			tries++;
			rejected += feed_count(&p, wire, m, &f) == -1 - 1;
			pair_free(&p);
		}
	}
	TAP_OK(rejected == tries, "a flipped bit in any byte of a frame is rejected (%d/%d)",
	       rejected, tries);

	struct pair p = pair_new(true);
	n = three_frames(&p, rec);
	memcpy(copy, wire, n);
	memcpy(copy + rec[2], wire + rec[1], rec[2] - rec[1]); /* frame 2 again */
	TAP_OK(feed_count(&p, copy, rec[2] + rec[2] - rec[1], &f) == -1 - 2,
	       "a replayed (duplicated) frame is rejected");
	pair_free(&p);

	p = pair_new(true);
	n = three_frames(&p, rec);
	size_t l1 = rec[1], l2 = rec[2] - rec[1];
	memcpy(copy, wire + rec[1], l2); /* frame 2 first */
	memcpy(copy + l2, wire, l1);
	TAP_OK(feed_count(&p, copy, l1 + l2, &f) == -1, "a reordered frame is rejected");
	pair_free(&p);

	p = pair_new(true);
	n = three_frames(&p, rec);
	TAP_OK(feed_count(&p, wire + rec[1], n - rec[1], &f) == -1,
	       "a stream missing its first frame (prefix truncation) is rejected");
	pair_free(&p);

	p = pair_new(true);
	n = three_frames(&p, rec);
	int got = feed_count(&p, wire, n - 1, &f);
	TAP_OK(got == 2 && !rconn_got_final(p.rx),
	       "a truncated stream delivers only whole frames and no final one");
	pair_free(&p);

	/* A frame from another session (other keys) is rejected. */
	struct pair q = pair_new(true);
	p = pair_new(true);
	three_frames(&q, rec);
	TAP_OK(feed_count(&p, wire, rec[1], &f) == -1, "a frame from another session is rejected");
	pair_free(&p);
	pair_free(&q);
}

static void test_lengths(void)
{
	struct rframe f;
	struct errbuf e;
	for (int crypto = 0; crypto < 2; crypto++) {
		struct pair p = pair_new(crypto);
		const uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
		(void)rconn_feed(p.rx, huge, 4);
		TAP_OK(rconn_next(p.rx, &f, &e) == -1, "%s: a 4 GiB length is rejected at once",
		       crypto ? "encrypted" : "clear");
		pair_free(&p);
		p = pair_new(crypto);
		(void)rconn_feed(p.rx, (const uint8_t *)"GET / HTTP/1.1\r\n", 16);
		TAP_OK(rconn_next(p.rx, &f, &e) == -1, "%s: an HTTP request is rejected",
		       crypto ? "encrypted" : "clear");
		pair_free(&p);
		p = pair_new(crypto);
		const uint8_t one[5] = {0, 0, 0, 1, RP_DATA};
		(void)rconn_feed(p.rx, one, 5);
		TAP_OK(rconn_next(p.rx, &f, &e) == -1, "%s: a record shorter than a frame header",
		       crypto ? "encrypted" : "clear");
		pair_free(&p);
	}
	struct pair p = pair_new(false);
	const uint8_t max1[4] = {0, 4, 0, 3}; /* RP_RECORD_MAX_CLEAR + 1 */
	(void)rconn_feed(p.rx, max1, 4);
	TAP_OK(rconn_next(p.rx, &f, &e) == -1, "clear: one byte over the maximal record");
	pair_free(&p);
	p = pair_new(false);
	const uint8_t hs[4] = {0, 0, 0, 9};
	(void)rconn_feed(p.rx, hs, 4);
	const uint8_t *body;
	size_t len;
	TAP_OK(rconn_next_raw(p.rx, 8, &body, &len, &e) == -1, "handshake: a record over its size");
	pair_free(&p);
}

static void test_final(void)
{
	struct rframe f;
	struct pair p;
	size_t n;
	uint8_t ex[2] = {0, 0};
	for (int crypto = 0; crypto < 2; crypto++) {
		p = pair_new(crypto);
		rconn_send_msg(p.tx, RP_EXIT, 0, ex, 2, true);
		rconn_send_msg(p.tx, RP_DATA, 1, "x", 1, false);
		n = drain(&p);
		TAP_OK(feed_count(&p, wire, n, &f) == -1 - 1, "%s: a frame after the final one",
		       crypto ? "encrypted" : "clear");
		pair_free(&p);
	}
}

static void test_check(void)
{
	struct errbuf e;
	uint8_t w[4] = {0x80, 0, 0, 1};
	struct rframe f = {RP_WINDOW_T, 1, w, 4};
	TAP_OK(rframe_check(&f, false, &e) == -1, "WINDOW over 2^31 rejected");
	f = (struct rframe){RP_DATA, 1, w, 1};
	TAP_OK(rframe_check(&f, false, &e) == -1, "client DATA on stdout rejected");
	TAP_OK(rframe_check(&f, true, &e) == 0, "server DATA on stdout accepted");
	f = (struct rframe){RP_EXEC, 0, w, 4};
	TAP_OK(rframe_check(&f, true, &e) == -1, "EXEC from the server rejected");
	uint8_t ex[2] = {2, 1};
	f = (struct rframe){RP_EXIT, 0, ex, 2};
	TAP_OK(rframe_check(&f, true, &e) == -1, "EXIT of unknown kind rejected");
	f = (struct rframe){99, 0, ex, 0};
	TAP_OK(rframe_check(&f, true, &e) == -1, "unknown type rejected");
	f = (struct rframe){RP_SIGNAL, 3, ex, 1};
	TAP_OK(rframe_check(&f, false, &e) == -1, "SIGNAL on a channel rejected");
}

static void test_exec(void)
{
	static uint8_t buf[RP_PAYLOAD_MAX];
	struct errbuf e;
	struct rexec x;
	size_t len;
	char *argv[] = {"printf", "%s\\n", "a b", "", NULL};
	char *env[] = {"FOO=bar", "X=", NULL};
	int r = rexec_encode(buf, sizeof buf, argv, env, &len, &e);
	TAP_OK(r == 0 && rexec_decode(buf, len, &x, &e) == 0 && x.argc == 4 && x.envc == 2 &&
	       strcmp(x.argv[2], "a b") == 0 && strcmp(x.argv[3], "") == 0 && !x.argv[4] &&
	       strcmp(x.env[1], "X=") == 0 && !x.env[2], "EXEC round-trips argv and env");
	rexec_free(&x);
	TAP_OK(rexec_decode(buf, len - 1, &x, &e) == -1, "a truncated EXEC is rejected");
	uint8_t more[RP_PAYLOAD_MAX];
	memcpy(more, buf, len);
	more[len] = 0;
	TAP_OK(rexec_decode(more, len + 1, &x, &e) == -1, "an EXEC with trailing bytes is rejected");
	char *ld[] = {"LD_PRELOAD=/tmp/x.so", NULL};
	TAP_OK(rexec_encode(buf, sizeof buf, argv, ld, &len, &e) == -1, "LD_* is never sent");
	char *bad[] = {"1X=y", NULL};
	TAP_OK(rexec_encode(buf, sizeof buf, argv, bad, &len, &e) == -1, "a bad name is never sent");
	/* Hand-made EXEC with LD_PRELOAD: the decoder refuses it too. */
	const uint8_t evil[] = {0, 1, 0, 1, 0, 2, 'i', 'd', 0, 7, 'L', 'D', '_', 'X', '=', '1', '2'};
	TAP_OK(rexec_decode(evil, sizeof evil, &x, &e) == -1, "a received LD_* is refused");
	const uint8_t nul[] = {0, 1, 0, 0, 0, 3, 'i', 0, 'd'};
	TAP_OK(rexec_decode(nul, sizeof nul, &x, &e) == -1, "a NUL inside a string is refused");
	const uint8_t counts[] = {0xff, 0xff, 0, 0, 0, 0};
	TAP_OK(rexec_decode(counts, sizeof counts, &x, &e) == -1, "argc beyond the bound is refused");
	const uint8_t none[] = {0, 0, 0, 0};
	TAP_OK(rexec_decode(none, sizeof none, &x, &e) == -1, "argc 0 is refused");
	const uint8_t empty[] = {0, 1, 0, 0, 0, 0};
	TAP_OK(rexec_decode(empty, sizeof empty, &x, &e) == -1, "an empty command is refused");
}

static void test_target(void)
{
	static const struct {
		const char *in, *host, *port;
		bool ssh;
	} ok[] = {
		{"h", "h", "7433", false},
		{"h.example:22", "h.example", "22", false},
		{"[::1]:7000", "::1", "7000", false},
		{"[fe80::1]", "fe80::1", "7433", false},
		{"::1", "::1", "7433", false},
		{"ssh:me@host", "me@host", NULL, true},
		{"ssh:host", "host", NULL, true},
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		struct rtarget t;
		struct errbuf e;
		bool good = rtarget_parse(ok[i].in, &t, &e) == 0 && t.ssh == ok[i].ssh &&
			    strcmp(t.host, ok[i].host) == 0 &&
			    (ok[i].port ? t.port && strcmp(t.port, ok[i].port) == 0 : !t.port);
		TAP_OK(good, "target '%s' parses", ok[i].in);
		if (good)
			rtarget_free(&t);
	}
	static const char *const bad[] = {"", "h:0", "h:65536", "h:x", "[::1", "[]:1", "[::1]x",
					  "ssh:", "ssh:-oProxyCommand=x", "ssh:me@-x", "-h",
					  "ssh:a b"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct rtarget t;
		struct errbuf e;
		TAP_OK(rtarget_parse(bad[i], &t, &e) == -1, "target '%s' is refused", bad[i]);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_roundtrip(false);
	for (int aes = 0; aes < 1 + crypto_aead_aes256gcm_is_available(); aes++) {
		cipher = aes ? NOISE_AESGCM : NOISE_CHACHAPOLY;
		printf("# cipher %s\n", aes ? "AES-256-GCM" : "ChaCha20-Poly1305");
		test_roundtrip(true);
		test_stream();
		test_tamper();
		test_final();
	}
	test_lengths();
	test_check();
	test_exec();
	test_target();
	return tap_done();
}
