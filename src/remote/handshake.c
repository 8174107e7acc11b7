/* handshake.c — mutual authentication with a pre-shared key over ephemeral
 * X25519 (docs/PROTOCOL.md §2), as pure functions over byte buffers so that
 * tests and the fuzzer drive them without sockets. libsodium does all the
 * cryptography; this file only decides what is hashed, MACed and compared.
 */
#include "proto.h"

#include <string.h>

static const uint8_t magic[4] = {'I', 'P', 'S', 'H'};

void rhs_init(struct rhs *h, uint8_t role, uint8_t mode, const uint8_t *key)
{
	memset(h, 0, sizeof *h);
	h->role = role;
	h->mode = mode;
	if (key)
		memcpy(h->key, key, RP_KEY_BYTES);
	if (mode == RP_MODE_PSK)
		crypto_kx_keypair(h->pk, h->sk);
}

void rhs_wipe(struct rhs *h)
{
	sodium_memzero(h, sizeof *h);
}

static void put_hdr(uint8_t *out, uint8_t vmin, uint8_t vmax, uint8_t mode, uint8_t role)
{
	memcpy(out, magic, 4);
	out[4] = vmin;
	out[5] = vmax;
	out[6] = mode;
	out[7] = role;
}

void rhs_refusal(uint8_t *out, uint8_t mode, uint8_t code)
{
	put_hdr(out, RP_VERSION, RP_VERSION, mode, 'R');
	out[8] = code;
}

/* HMAC(key, label || a || b || c) */
static void mac3(uint8_t out[32], const uint8_t *key, const char *label, const uint8_t *a,
		 size_t alen, const uint8_t *b, size_t blen)
{
	crypto_auth_hmacsha512256_state st;
	crypto_auth_hmacsha512256_init(&st, key, 32);
	crypto_auth_hmacsha512256_update(&st, (const uint8_t *)label, strlen(label));
	crypto_auth_hmacsha512256_update(&st, a, alen);
	if (blen)
		crypto_auth_hmacsha512256_update(&st, b, blen);
	crypto_auth_hmacsha512256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

/* H(key, label || a || b || c), 32 bytes */
static void hash3(uint8_t out[32], const uint8_t *key, const char *label, const uint8_t *a,
		  size_t alen, const uint8_t *b, size_t blen, const uint8_t *c, size_t clen)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, 32, 32);
	crypto_generichash_update(&st, (const uint8_t *)label, strlen(label));
	crypto_generichash_update(&st, a, alen);
	if (blen)
		crypto_generichash_update(&st, b, blen);
	if (clen)
		crypto_generichash_update(&st, c, clen);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof st);
}

size_t rhs_client_hello(struct rhs *h, uint8_t *out)
{
	put_hdr(out, RP_VERSION, RP_VERSION, h->mode, 'C');
	if (h->mode != RP_MODE_PSK)
		return RHS_HDR;
	memcpy(out + RHS_HDR, h->pk, 32);
	mac3(out + 40, h->key, "ipcsh-v1 client hello", out, 40, NULL, 0);
	memcpy(h->h1, out, RHS_H1_PSK);
	return RHS_H1_PSK;
}

/* Derive th, the direction keys and k_fin from the DH outputs (x_c2s, x_s2c),
 * H1 and H2a. Initialises our push state; stores the rx key. */
static void derive(struct rhs *h, const uint8_t *x_c2s, const uint8_t *x_s2c, const uint8_t *h2a,
		   uint8_t *tx_header)
{
	uint8_t k_tx[32];
	hash3(h->th, h->key, "ipcsh-v1 transcript", h->h1, RHS_H1_PSK, h2a, 72, NULL, 0);
	bool client = h->role == 'C';
	hash3(client ? k_tx : h->k_rx, h->key, "ipcsh-v1 c2s", x_c2s, 32, h->th, 32, NULL, 0);
	hash3(client ? h->k_rx : k_tx, h->key, "ipcsh-v1 s2c", x_s2c, 32, h->th, 32, NULL, 0);
	hash3(h->k_fin, h->key, "ipcsh-v1 finish", x_c2s, 32, x_s2c, 32, h->th, 32);
	crypto_secretstream_xchacha20poly1305_init_push(&h->tx, tx_header, k_tx);
	sodium_memzero(k_tx, sizeof k_tx);
}

/* Check a header: magic, version range containing ours, mode, role. */
static int check_hdr(const uint8_t *in, uint8_t mode, uint8_t role, uint8_t *code,
		     struct errbuf *e)
{
	*code = RP_REFUSE_PROTOCOL;
	if (memcmp(in, magic, 4) != 0 || in[7] != role) {
		errbuf_set(e, "not an ipcsh handshake");
		return -1;
	}
	if (in[4] > RP_VERSION || in[5] < RP_VERSION || in[4] > in[5]) {
		*code = RP_REFUSE_VERSION;
		errbuf_set(e, "no common protocol version (peer speaks %u to %u, we speak %u)",
			   in[4], in[5], RP_VERSION);
		return -1;
	}
	if (in[6] != mode) {
		*code = RP_REFUSE_MODE;
		errbuf_set(e, "peer wants %s mode", in[6] == RP_MODE_PSK ? "key" : "clear");
		return -1;
	}
	return 0;
}

int rhs_server_hello(struct rhs *h, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
		     struct errbuf *e)
{
	uint8_t code, mac[32];
	*outlen = RHS_REFUSAL;
	if (len < RHS_HDR) {
		errbuf_set(e, "short handshake message");
		rhs_refusal(out, h->mode, RP_REFUSE_PROTOCOL);
		return -1;
	}
	if (check_hdr(in, h->mode, 'C', &code, e) < 0) {
		rhs_refusal(out, h->mode, code);
		return -1;
	}
	if (len != (h->mode == RP_MODE_PSK ? RHS_H1_PSK : RHS_HDR)) {
		errbuf_set(e, "malformed client hello");
		rhs_refusal(out, h->mode, RP_REFUSE_PROTOCOL);
		return -1;
	}
	put_hdr(out, RP_VERSION, RP_VERSION, h->mode, 'S');
	*outlen = RHS_HDR;
	if (h->mode != RP_MODE_PSK)
		return 0;
	mac3(mac, h->key, "ipcsh-v1 client hello", in, 40, NULL, 0);
	if (crypto_verify_32(mac, in + 40) != 0) {
		errbuf_set(e, "authentication failed");
		rhs_refusal(out, h->mode, RP_REFUSE_AUTH);
		*outlen = RHS_REFUSAL;
		return -1;
	}
	memcpy(h->h1, in, RHS_H1_PSK);
	uint8_t x_c2s[32], x_s2c[32];
	if (crypto_kx_server_session_keys(x_c2s, x_s2c, h->pk, h->sk, in + RHS_HDR) != 0) {
		errbuf_set(e, "bad client public key");
		rhs_refusal(out, h->mode, RP_REFUSE_PROTOCOL);
		*outlen = RHS_REFUSAL;
		return -1;
	}
	memcpy(out + RHS_HDR, h->pk, 32);
	mac3(out + 40, h->key, "ipcsh-v1 server hello", h->h1, RHS_H1_PSK, out, 40);
	derive(h, x_c2s, x_s2c, out, out + 104);
	mac3(out + 72, h->k_fin, "ipcsh-v1 server finish", h->th, 32, NULL, 0);
	sodium_memzero(x_c2s, 32);
	sodium_memzero(x_s2c, 32);
	*outlen = RHS_H2_PSK;
	return 0;
}

static int client_refused(const uint8_t *in, struct errbuf *e)
{
	switch (in[8]) {
	case RP_REFUSE_BUSY:
		errbuf_set(e, "server busy (too many sessions)");
		return RHS_E_BUSY;
	case RP_REFUSE_RETRY:
		errbuf_set(e, "server busy (too many handshakes at once)");
		return RHS_E_RETRY;
	case RP_REFUSE_AUTH:
		errbuf_set(e, "authentication failed");
		return RHS_E_AUTH;
	case RP_REFUSE_VERSION:
		errbuf_set(e, "no common protocol version (server speaks %u to %u)", in[4], in[5]);
		return RHS_E_VERSION;
	case RP_REFUSE_MODE:
		errbuf_set(e, "server refused the connection mode (key vs. ssh)");
		return RHS_E_PROTO;
	default:
		errbuf_set(e, "server refused the handshake");
		return RHS_E_PROTO;
	}
}

int rhs_client_finish(struct rhs *h, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
		      struct errbuf *e)
{
	uint8_t code;
	*outlen = 0;
	if (len == RHS_REFUSAL && memcmp(in, magic, 4) == 0 && in[7] == 'R')
		return client_refused(in, e);
	size_t want = h->mode == RP_MODE_PSK ? RHS_H2_PSK : RHS_HDR;
	if (len < RHS_HDR) {
		errbuf_set(e, "malformed server hello");
		return RHS_E_PROTO;
	}
	if (check_hdr(in, h->mode, 'S', &code, e) < 0)
		return code == RP_REFUSE_VERSION ? RHS_E_VERSION : RHS_E_PROTO;
	if (len != want || in[4] != in[5]) {
		errbuf_set(e, "malformed server hello");
		return RHS_E_PROTO;
	}
	if (h->mode != RP_MODE_PSK)
		return RHS_OK;
	uint8_t mac[32], x_c2s[32], x_s2c[32];
	mac3(mac, h->key, "ipcsh-v1 server hello", h->h1, RHS_H1_PSK, in, 40);
	if (crypto_verify_32(mac, in + 40) != 0 ||
	    crypto_kx_client_session_keys(x_s2c, x_c2s, h->pk, h->sk, in + RHS_HDR) != 0) {
		errbuf_set(e, "authentication failed");
		return RHS_E_AUTH;
	}
	memcpy(h->rx_hdr, in + 104, sizeof h->rx_hdr);
	derive(h, x_c2s, x_s2c, in, out + 32);
	sodium_memzero(x_c2s, 32);
	sodium_memzero(x_s2c, 32);
	mac3(mac, h->k_fin, "ipcsh-v1 server finish", h->th, 32, NULL, 0);
	if (crypto_verify_32(mac, in + 72) != 0) {
		errbuf_set(e, "authentication failed");
		return RHS_E_AUTH;
	}
	mac3(out, h->k_fin, "ipcsh-v1 client finish", h->th, 32, NULL, 0);
	*outlen = RHS_H3_PSK;
	return RHS_OK;
}

int rhs_server_finish(struct rhs *h, const uint8_t *in, size_t len, struct errbuf *e)
{
	uint8_t mac[32];
	if (len != RHS_H3_PSK) {
		errbuf_set(e, "malformed client finish");
		return -1;
	}
	mac3(mac, h->k_fin, "ipcsh-v1 client finish", h->th, 32, NULL, 0);
	if (crypto_verify_32(mac, in) != 0) {
		errbuf_set(e, "authentication failed");
		return -1;
	}
	memcpy(h->rx_hdr, in + 32, sizeof h->rx_hdr);
	return 0;
}

int rhs_install(struct rhs *h, struct rconn *c)
{
	if (h->mode != RP_MODE_PSK) {
		rconn_set_clear(c);
		return 0;
	}
	return rconn_set_crypto(c, &h->tx, h->k_rx, h->rx_hdr);
}
