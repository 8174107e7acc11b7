/* fuzz_frame.c — libFuzzer target for the remote-stage frame decoder
 * (src/remote/conn.c, proto.c). The first byte picks a mode:
 *   0: the rest is a clear-mode byte stream (records of frames), fed in
 *      pieces; every frame is checked for both directions, EXECs decoded;
 *   1: the rest is a list of plaintext frames (u16 length, type, chan,
 *      payload) that the harness encrypts with a Noise CipherState
 *      (AES-256-GCM when the type's top bit is set and the CPU has it,
 *      else ChaCha20-Poly1305), then decodes: the decrypting path and the
 *      decoders behind it;
 *   2: the rest is raw bytes fed to an encrypted decoder (must all fail
 *      authentication without a crash). */
#include <string.h>

#include "remote/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use_frames(struct rconn *c)
{
	struct rframe f;
	struct errbuf e;
	int r;
	while ((r = rconn_next(c, &f, &e)) == 1) {
		bool from_server = rframe_check(&f, true, &e) == 0;
		if (rframe_check(&f, false, &e) == 0 && f.type == RP_EXEC) {
			struct rexec x;
			if (rexec_decode(f.payload, f.len, &x, &e) == 0)
				rexec_free(&x);
		}
		(void)from_server;
	}
}

static void feed_all(struct rconn *c, const uint8_t *p, size_t n, size_t step)
{
	while (n) {
		size_t k = n < step ? n : step;
		size_t took = rconn_feed(c, p, k);
		use_frames(c);
		if (!took)
			return; /* buffer full of an incomplete record: cannot happen */
		p += took;
		n -= took;
	}
}

static void mode_clear(const uint8_t *p, size_t n)
{
	struct rconn *c = rconn_new(-1, -1);
	rconn_set_clear(c);
	feed_all(c, p, n, n > 7 ? (size_t)p[0] * 61 + 1 : n);
	rconn_free(c);
}

/* A CipherState with a fixed key: sender and receiver share it. */
static struct noise_cs cs_of(uint8_t k0, bool aes)
{
	struct noise_cs cs = {.k = {k0}, .has_k = true, .cipher = NOISE_CHACHAPOLY};
	if (aes && crypto_aead_aes256gcm_is_available())
		cs.cipher = NOISE_AESGCM;
	return cs;
}

static void mode_encrypted(const uint8_t *p, size_t n)
{
	struct noise_cs cs = cs_of(1, n > 2 && (p[2] & 0x80));
	struct rconn *tx = rconn_new(-1, -1), *rx = rconn_new(-1, -1);
	rconn_set_crypto(tx, &cs, &cs);
	rconn_set_crypto(rx, &cs, &cs);
	static uint8_t wire[1 << 20];
	while (n >= 4) {
		size_t len = (size_t)(p[0] << 8 | p[1]);
		uint8_t type = p[2], chan = p[3];
		p += 4;
		n -= 4;
		if (len > n)
			len = n;
		rconn_send_msg(tx, type & 0x7f, chan, p, len, false);
		p += len;
		n -= len;
		size_t w = rconn_take_output(tx, wire, sizeof wire);
		feed_all(rx, wire, w, w);
	}
	rconn_free(tx);
	rconn_free(rx);
}

static void mode_raw_encrypted(const uint8_t *p, size_t n)
{
	struct noise_cs cs = cs_of(2, n > 0 && (p[0] & 1));
	struct rconn *rx = rconn_new(-1, -1);
	rconn_set_crypto(rx, &cs, &cs);
	feed_all(rx, p, n, n ? n : 1);
	rconn_free(rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		if (sodium_init() < 0)
			return 0;
		ready = true;
	}
	if (size < 1 || size > (1u << 20))
		return 0;
	switch (data[0] % 3) {
	case 0: mode_clear(data + 1, size - 1); break;
	case 1: mode_encrypted(data + 1, size - 1); break;
	default: mode_raw_encrypted(data + 1, size - 1); break;
	}
	return 0;
}
