/* fuzz_handshake.c — libFuzzer target for the remote-stage handshake of
 * protocol version 2 (src/remote/handshake.c, Noise_XX) and the record
 * layer under it. The first byte picks a role and mode; the rest is what
 * the peer sends, as records:
 *   0: server, Noise mode: the input is the client's hello then message 3,
 *      then frames;
 *   1: server, Noise mode, with a genuine hello made by the harness, so
 *      that the input reaches the message 3 check;
 *   2: server, clear mode: hello, then frames;
 *   3: client, Noise mode: the input is the server's answer (or a refusal),
 *      then frames;
 *   4: client, clear mode: the answer, then frames.
 * Randomness is a keystream restarted for every input (fuzz_rng below), so
 * that the ephemeral keys are the same on every run: a seed holding a
 * genuine answer or message 3 and frames sealed after them, made by
 * seeds_main() (build with -DFUZZ_HANDSHAKE_SEEDS, see there), takes the
 * fuzzer past the handshake into the frame decoder. */
#include <stdio.h>
#include <string.h>

#include "remote/proto.h"

/* ---- deterministic randomness ------------------------------------------ */

static uint64_t rng_block;

static void rng_buf(void *buf, size_t n)
{
	static const uint8_t k[crypto_stream_chacha20_KEYBYTES] = {0x15};
	uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
	for (int i = 0; i < 8; i++)
		nonce[i] = (uint8_t)(rng_block >> (8 * i));
	rng_block++;
	crypto_stream_chacha20(buf, n, nonce, k);
}

static uint32_t rng_random(void)
{
	uint32_t v;
	rng_buf(&v, sizeof v);
	return v;
}

static const char *rng_name(void)
{
	return "fuzz";
}

static struct randombytes_implementation fuzz_rng = {
	.implementation_name = rng_name, .random = rng_random, .buf = rng_buf,
};

static int fuzz_init(void)
{
	static bool ready;
	if (!ready) {
		if (randombytes_set_implementation(&fuzz_rng) != 0 || sodium_init() < 0)
			return -1;
		ready = true;
	}
	rng_block = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[32] = {7, 7, 7}, ckey[32] = {9, 9};

static int next_raw(struct rconn *c, size_t max, const uint8_t **b, size_t *n)
{
	struct errbuf e;
	return rconn_next_raw(c, max, b, n, &e);
}

static void drain_frames(struct rconn *c, bool from_server)
{
	struct rframe f;
	struct errbuf e;
	while (rconn_next(c, &f, &e) == 1)
		if (rframe_check(&f, from_server, &e) < 0)
			break;
}

static void server(const uint8_t *p, size_t n, uint8_t mode, bool genuine_h1)
{
	struct rhs h;
	struct errbuf e;
	struct rconn *c = rconn_new(-1, -1);
	rhs_init(&h, 'S', mode, mode == RP_MODE_NOISE ? key : NULL, 0);
	(void)rconn_feed(c, p, n);
	const uint8_t *b;
	size_t len, ol;
	uint8_t out[RHS_MAX], h1[RHS_MAX];
	if (genuine_h1) {
		struct rhs cl;
		rhs_init(&cl, 'C', RP_MODE_NOISE, ckey, 0);
		len = rhs_client_hello(&cl, h1);
		rhs_wipe(&cl);
		b = h1;
	} else if (next_raw(c, RHS_MAX, &b, &len) != 1) {
		goto out;
	}
	if (rhs_server_hello(&h, b, len, out, &ol, &e) != 0)
		goto out;
	if (mode == RP_MODE_NOISE) {
		if (next_raw(c, RHS_FINISH_NOISE, &b, &len) != 1 ||
		    rhs_server_finish(&h, b, len, &e) != 0)
			goto out;
	}
	rhs_install(&h, c);
	drain_frames(c, false);
out:
	rhs_wipe(&h);
	rconn_free(c);
}

static void client(const uint8_t *p, size_t n, uint8_t mode)
{
	struct rhs h;
	struct errbuf e;
	struct rconn *c = rconn_new(-1, -1);
	rhs_init(&h, 'C', mode, mode == RP_MODE_NOISE ? ckey : NULL, 0);
	uint8_t out[RHS_MAX];
	(void)rhs_client_hello(&h, out);
	(void)rconn_feed(c, p, n);
	const uint8_t *b;
	size_t len, ol;
	if (next_raw(c, RHS_MAX, &b, &len) == 1 &&
	    rhs_client_finish(&h, b, len, out, &ol, &e) == RHS_OK) {
		rhs_install(&h, c);
		drain_frames(c, true);
	}
	rhs_wipe(&h);
	rconn_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_init() < 0 || size < 1 || size > 65536)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 5) {
	case 0: server(p, n, RP_MODE_NOISE, false); break;
	case 1: server(p, n, RP_MODE_NOISE, true); break;
	case 2: server(p, n, RP_MODE_CLEAR, false); break;
	case 3: client(p, n, RP_MODE_NOISE); break;
	default: client(p, n, RP_MODE_CLEAR); break;
	}
	return 0;
}

#ifdef FUZZ_HANDSHAKE_SEEDS
/* The seeds with genuine handshakes, written to DIR:
 *   cc -DFUZZ_HANDSHAKE_SEEDS -D_GNU_SOURCE -Isrc $(pkg-config --cflags libsodium) \
 *      fuzz/fuzz_handshake.c build/libipcsh-core.a $(pkg-config --libs readline libsodium) \
 *      -lrt -o /tmp/seeds && /tmp/seeds fuzz/corpus/fuzz_handshake
 * Each replays the harness's calls to the randomness in the same order. */
static void put_rec(FILE *f, const uint8_t *p, size_t n)
{
	uint8_t l[4];
	rp_put32(l, (uint32_t)n);
	fwrite(l, 1, 4, f);
	fwrite(p, 1, n, f);
}

static void put_frames(FILE *f, struct rhs *from, bool server_side)
{
	struct rconn *c = rconn_new(-1, -1);
	static uint8_t buf[1 << 16];
	rhs_install(from, c);
	if (server_side) {
		rconn_send_msg(c, RP_DATA, 1, "out", 3, false);
		rconn_send_msg(c, RP_EOF, 1, NULL, 0, false);
		rconn_send_msg(c, RP_EXIT, 0, "\0\0", 2, true);
	} else {
		char *argv[] = {"cat", "-n", NULL}, *env[] = {"LANG=C", NULL};
		size_t len;
		struct errbuf e;
		if (rexec_encode(rconn_payload_buf(c), RP_PAYLOAD_MAX, argv, env, &len, &e) == 0)
			rconn_send(c, RP_EXEC, 0, len, false);
		rconn_send_msg(c, RP_DATA, 0, "in", 2, false);
		rconn_send_msg(c, RP_EOF, 0, NULL, 0, false);
	}
	fwrite(buf, 1, rconn_take_output(c, buf, sizeof buf), f);
	rconn_free(c);
}

/* A genuine handshake; reset_before: 0 (server side of the harness: the
 * randomness restarts before the server's answer), 1 (mode 1: before the
 * client's hello), 3 (client side: before the client's hello). */
static int seed(const char *dir, int mode)
{
	struct rhs c, s;
	struct errbuf e;
	uint8_t h1[RHS_MAX], h2[RHS_MAX], h3[RHS_MAX];
	size_t l2, l3;
	if (mode != 0)
		rng_block = 0;
	rhs_init(&c, 'C', RP_MODE_NOISE, ckey, 0);
	rhs_init(&s, 'S', RP_MODE_NOISE, key, 0);
	size_t l1 = rhs_client_hello(&c, h1);
	if (mode == 0)
		rng_block = 0;
	if (rhs_server_hello(&s, h1, l1, h2, &l2, &e) != 0 ||
	    rhs_client_finish(&c, h2, l2, h3, &l3, &e) != RHS_OK ||
	    rhs_server_finish(&s, h3, l3, &e) != 0) {
		fprintf(stderr, "seeds: %s\n", e.msg);
		return 1;
	}
	char *path = xasprintf("%s/genuine-mode%d", dir, mode);
	FILE *f = fopen(path, "wb");
	free(path);
	if (!f)
		return 1;
	fputc(mode, f);
	if (mode == 0)
		put_rec(f, h1, l1);
	if (mode != 3)
		put_rec(f, h3, l3);
	else
		put_rec(f, h2, l2);
	put_frames(f, mode == 3 ? &s : &c, mode == 3);
	rhs_wipe(&c);
	rhs_wipe(&s);
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc != 2 || fuzz_init() < 0)
		return 2;
	return seed(argv[1], 0) | seed(argv[1], 1) | seed(argv[1], 3);
}
#endif
