/* crypto.c — a hidden mode for `make bench` (bench/run.sh, section 5): the
 * ceiling the remote stage's cipher puts on it, on this CPU.
 *
 *   ipcsh --bench --crypto BYTES MSG
 *       seals and opens BYTES in MSG-byte messages, in place, with the
 *       remote stage's own construction (the Noise CipherState of
 *       docs/PROTOCOL.md §3, noise_cs_encrypt and noise_cs_decrypt with the
 *       record's length as additional data), once with AES-256-GCM (where the CPU has
 *       hardware AES: else n/a) and once with ChaCha20-Poly1305, and for
 *       comparison with protocol version 1's secretstream; prints csv: what,
 *       GB/s (10^9 bytes per second of one core). Every opened message is
 *       checked. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote/noise.h"

/* As the record layer does (src/remote/conn.c): each message sealed in
 * place in a buffer it was just copied into, then opened in place, so the
 * cipher works on bytes in the cache; the copy in and the check after are
 * not timed. */
static int bench_noise(const char *name, uint8_t cipher, uint64_t bytes, size_t msg,
		       const uint8_t *m, uint8_t *c)
{
	if (cipher == NOISE_AESGCM && !crypto_aead_aes256gcm_is_available()) {
		printf("%s-seal,n/a\n%s-open,n/a\n", name, name);
		return 0;
	}
	struct noise_cs tx = {.has_k = true, .cipher = cipher};
	randombytes_buf(tx.k, sizeof tx.k);
	struct noise_cs rx = tx;
	size_t clen = msg + NOISE_TAGLEN;
	uint64_t n = bytes / msg, t_seal = 0, t_open = 0;
	uint8_t ad[4] = {0};
	for (uint64_t i = 0; i < n; i++) {
		memcpy(c, m, msg);
		uint64_t t0 = now_ns();
		if (noise_cs_encrypt(&tx, ad, 4, c, msg, c) < 0)
			return -1;
		uint64_t t1 = now_ns();
		if (noise_cs_decrypt(&rx, ad, 4, c, clen, c) != (long)msg)
			return -1;
		t_open += now_ns() - t1;
		t_seal += t1 - t0;
		if (memcmp(c, m, msg) != 0)
			return -1;
	}
	noise_cs_wipe(&tx);
	noise_cs_wipe(&rx);
	printf("%s-seal,%.2f\n", name, t_seal ? (double)(n * msg) / (double)t_seal : 0.0);
	printf("%s-open,%.2f\n", name, t_open ? (double)(n * msg) / (double)t_open : 0.0);
	return 0;
}

/* Version 1's construction, for comparison: push every message, then pull. */
static int bench_secretstream(uint64_t bytes, size_t msg, const uint8_t *m, uint8_t *c,
			      uint8_t *p)
{
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	size_t clen = msg + crypto_secretstream_xchacha20poly1305_ABYTES;
	uint64_t n = bytes / msg, t_push = 0, t_pull = 0;
	crypto_secretstream_xchacha20poly1305_init_push(&tx, hdr, key);
	if (crypto_secretstream_xchacha20poly1305_init_pull(&rx, hdr, key) != 0)
		return -1;
	for (uint64_t i = 0; i < n; i += 8) {
		uint64_t k = n - i < 8 ? n - i : 8, t0 = now_ns();
		for (uint64_t j = 0; j < k; j++)
			crypto_secretstream_xchacha20poly1305_push(&tx, c + j * clen, NULL, m, msg, NULL, 0, 0);
		t_push += now_ns() - t0;
		t0 = now_ns();
		for (uint64_t j = 0; j < k; j++) {
			unsigned long long plen;
			unsigned char tag;
			if (crypto_secretstream_xchacha20poly1305_pull(&rx, p, &plen, &tag, c + j * clen,
								       clen, NULL, 0) != 0 ||
			    plen != msg || memcmp(p, m, msg) != 0)
				return -1;
		}
		t_pull += now_ns() - t0;
	}
	printf("secretstream-v1-push,%.2f\n", t_push ? (double)(n * msg) / (double)t_push : 0.0);
	printf("secretstream-v1-pull,%.2f\n", t_pull ? (double)(n * msg) / (double)t_pull : 0.0);
	return 0;
}

int bench_crypto(int argc, char **argv)
{
	uint64_t bytes, msg;
	if (argc != 3 || bench_arg_size("--crypto", argv[1], &bytes) < 0 ||
	    bench_arg_size("--crypto", argv[2], &msg) < 0 || msg == 0 || msg > (64u << 20)) {
		msg_err("--bench --crypto: usage: BYTES MSG");
		return 2;
	}
	if (sodium_init() < 0) {
		msg_err("--bench --crypto: cannot initialise libsodium");
		return 1;
	}
	uint8_t *m = xmalloc(msg), *p = xmalloc(msg);
	uint8_t *c = xmalloc(8 * (msg + crypto_secretstream_xchacha20poly1305_ABYTES));
	for (size_t i = 0; i < msg; i++)
		m[i] = (uint8_t)(i * 31u + 7u);
	printf("what,gbps\n");
	int rc = bench_noise("aesgcm", NOISE_AESGCM, bytes, msg, m, c) < 0 ||
		 bench_noise("chachapoly", NOISE_CHACHAPOLY, bytes, msg, m, c) < 0 ||
		 bench_secretstream(bytes, msg, m, c, p) < 0;
	if (rc)
		msg_err("--bench --crypto: a message did not open");
	free(m);
	free(p);
	free(c);
	return rc;
}
