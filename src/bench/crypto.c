/* crypto.c — a hidden mode for `make bench` (bench/run.sh, section 5): the
 * ceiling the remote stage's cipher puts on it, on this CPU.
 *
 *   ipcsh --bench --crypto BYTES MSG
 *       seals and opens BYTES in MSG-byte messages with the remote stage's
 *       own construction (crypto_secretstream_xchacha20poly1305 push and
 *       pull, docs/PROTOCOL.md) and, for comparison, with libsodium's
 *       AES-256-GCM when the CPU has it; prints csv: what, GB/s (10^9
 *       bytes per second of one core). Every opened message is checked. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double gbps(uint64_t bytes, uint64_t t0)
{
	uint64_t ns = now_ns() - t0;
	return ns ? (double)bytes / (double)ns : 0.0;
}

/* Push every message, then pull them all back: two timings. */
static int bench_secretstream(uint64_t bytes, size_t msg, uint8_t *m, uint8_t *c, uint8_t *p)
{
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	size_t clen = msg + crypto_secretstream_xchacha20poly1305_ABYTES;
	uint64_t n = bytes / msg;
	/* One sealed message per slot of a ring of 8, so that pull reads what
	 * push wrote without holding BYTES in memory: time push and pull of
	 * each round of 8 separately. */
	uint64_t t_push = 0, t_pull = 0;
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
	printf("secretstream-push,%.2f\n", t_push ? (double)(n * msg) / (double)t_push : 0.0);
	printf("secretstream-pull,%.2f\n", t_pull ? (double)(n * msg) / (double)t_pull : 0.0);
	return 0;
}

static int bench_aesgcm(uint64_t bytes, size_t msg, uint8_t *m, uint8_t *c, uint8_t *p)
{
	if (!crypto_aead_aes256gcm_is_available()) {
		printf("aes256gcm-seal,n/a\n");
		return 0;
	}
	uint8_t key[crypto_aead_aes256gcm_KEYBYTES], nonce[crypto_aead_aes256gcm_NPUBBYTES] = {0};
	crypto_aead_aes256gcm_keygen(key);
	uint64_t n = bytes / msg, t0 = now_ns();
	unsigned long long clen = 0, plen;
	for (uint64_t i = 0; i < n; i++) {
		sodium_increment(nonce, sizeof nonce);
		crypto_aead_aes256gcm_encrypt(c, &clen, m, msg, NULL, 0, NULL, nonce, key);
	}
	printf("aes256gcm-seal,%.2f\n", gbps(n * msg, t0));
	if (crypto_aead_aes256gcm_decrypt(p, &plen, NULL, c, clen, NULL, 0, nonce, key) != 0 ||
	    plen != msg || memcmp(p, m, msg) != 0)
		return -1;
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
	uint8_t *c = xmalloc(8 * (msg + crypto_secretstream_xchacha20poly1305_ABYTES) +
			     crypto_aead_aes256gcm_ABYTES);
	for (size_t i = 0; i < msg; i++)
		m[i] = (uint8_t)(i * 31u + 7u);
	printf("what,gbps\n");
	int rc = bench_secretstream(bytes, msg, m, c, p) < 0 || bench_aesgcm(bytes, msg, m, c, p) < 0;
	if (rc)
		msg_err("--bench --crypto: a message did not open");
	free(m);
	free(p);
	free(c);
	return rc;
}
