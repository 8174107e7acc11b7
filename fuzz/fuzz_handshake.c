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
 *   4: client, clear mode: the answer, then frames. */
#include <string.h>

#include "remote/proto.h"

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
	static bool ready;
	if (!ready) {
		if (sodium_init() < 0)
			return 0;
		ready = true;
	}
	if (size < 1 || size > 65536)
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
