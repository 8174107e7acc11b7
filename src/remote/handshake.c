/* handshake.c — protocol version 2's handshake (docs/PROTOCOL.md §2):
 * a clear hello carrying the version and the cipher offer, the server's
 * choice, and Noise_XX_25519_<cipher>_SHA256 with static keys on both
 * sides (src/remote/noise.c), whose prologue is the hello and the choice.
 * Pure functions over byte buffers, so that tests and the fuzzer drive
 * them without sockets. Who may connect (authorized_keys) and which host
 * is trusted (known_hosts) are the callers' decisions, made from h->rs.
 *
 * The client's hello already carries Noise message 1 (its ephemeral key
 * e): XX's first message is e alone, whose bytes do not depend on the
 * cipher, so it travels before the choice is known, and the client starts
 * its HandshakeState with that same e once it is. 1.5 round trips.
 */
#include "proto.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const uint8_t magic[4] = {'I', 'P', 'S', 'H'};

uint8_t rhs_ciphers_local(void)
{
	uint8_t c = RP_CIPHER_CHACHAPOLY;
	if (sodium_init() >= 0 && crypto_aead_aes256gcm_is_available())
		c |= RP_CIPHER_AESGCM;
	return c;
}

const char *rhs_cipher_name(uint8_t cipher)
{
	return cipher == RP_CIPHER_AESGCM ? "AES-256-GCM" : "ChaCha20-Poly1305";
}

void rhs_init(struct rhs *h, uint8_t role, uint8_t mode, const uint8_t *s, uint8_t offer)
{
	memset(h, 0, sizeof *h);
	h->role = role;
	h->mode = mode;
	h->offer = offer ? offer & rhs_ciphers_local() : rhs_ciphers_local();
	if (s)
		memcpy(h->s, s, RP_KEY_BYTES);
	if (mode == RP_MODE_NOISE && role == 'C' && noise_keypair(h->e, h->epub, false) < 0)
		h->offer = 0; /* cannot happen after sodium_init; refused as no cipher */
}

void rhs_wipe(struct rhs *h)
{
	noise_hs_free(h->hs);
	sodium_memzero(h, sizeof *h);
}

static void put_hdr(uint8_t *out, uint8_t mode, uint8_t role)
{
	memcpy(out, magic, 4);
	out[4] = RP_VERSION;
	out[5] = RP_VERSION;
	out[6] = mode;
	out[7] = role;
}

void rhs_refusal(uint8_t *out, uint8_t mode, uint8_t code)
{
	put_hdr(out, mode, 'R');
	out[8] = code;
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
		errbuf_set(e, "protocol version mismatch: the peer speaks version %u%s%.0u, this "
			   "ipcsh speaks %u", in[4], in[4] != in[5] ? " to " : "",
			   in[4] != in[5] ? in[5] : 0, RP_VERSION);
		return -1;
	}
	if (in[6] != mode) {
		*code = RP_REFUSE_MODE;
		errbuf_set(e, "peer wants %s mode", in[6] == RP_MODE_NOISE ? "key" : "clear");
		return -1;
	}
	return 0;
}

/* Start the Noise HandshakeState once the cipher is chosen. */
static int noise_start(struct rhs *h, struct errbuf *e)
{
	struct noise_protocol p;
	snprintf(h->protocol, sizeof h->protocol, "Noise_XX_25519_%s_SHA256",
		 h->cipher == RP_CIPHER_AESGCM ? "AESGCM" : "ChaChaPoly");
	if (noise_protocol_parse(h->protocol, &p, e) < 0)
		return -1;
	struct noise_keys k = {.s = h->s, .e = h->role == 'C' ? h->e : NULL,
			       .prologue = h->prologue, .prologue_len = h->nprologue};
	h->hs = noise_hs_new(&p, h->role == 'C', &k, e);
	return h->hs ? 0 : -1;
}

size_t rhs_client_hello(struct rhs *h, uint8_t *out)
{
	put_hdr(out, h->mode, 'C');
	if (h->mode != RP_MODE_NOISE)
		return RHS_HDR;
	out[RHS_HDR] = h->offer;
	memcpy(out + RHS_HDR + 1, h->epub, RP_KEY_BYTES);
	memcpy(h->prologue, out, RHS_HELLO_NOISE);
	h->nprologue = RHS_HELLO_NOISE;
	return RHS_HELLO_NOISE;
}

/* The server's pick from an offer: AES-GCM when both have hardware AES. */
static uint8_t choose(uint8_t offer)
{
	uint8_t both = offer & rhs_ciphers_local();
	if (both & RP_CIPHER_AESGCM)
		return RP_CIPHER_AESGCM;
	return both & RP_CIPHER_CHACHAPOLY;
}

int rhs_server_hello(struct rhs *h, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
		     struct errbuf *e)
{
	uint8_t code = RP_REFUSE_PROTOCOL;
	*outlen = RHS_REFUSAL;
	if (len < RHS_HDR) {
		errbuf_set(e, "short handshake message");
		goto refuse;
	}
	if (check_hdr(in, h->mode, 'C', &code, e) < 0)
		goto refuse;
	code = RP_REFUSE_PROTOCOL;
	if (len != (h->mode == RP_MODE_NOISE ? RHS_HELLO_NOISE : RHS_HDR)) {
		errbuf_set(e, "malformed client hello");
		goto refuse;
	}
	put_hdr(out, h->mode, 'S');
	*outlen = RHS_HDR;
	if (h->mode != RP_MODE_NOISE)
		return 0;
	if (!(h->cipher = choose(in[RHS_HDR]))) {
		code = RP_REFUSE_CIPHER;
		errbuf_set(e, "no common cipher (offer %#x)", in[RHS_HDR]);
		goto refuse;
	}
	out[RHS_HDR] = h->cipher;
	memcpy(h->prologue, in, RHS_HELLO_NOISE);
	memcpy(h->prologue + RHS_HELLO_NOISE, out, RHS_HDR + 1);
	h->nprologue = RHS_HELLO_NOISE + RHS_HDR + 1;
	uint8_t pl[16];
	long n;
	if (noise_start(h, e) < 0 ||
	    noise_hs_read(h->hs, in + RHS_HDR + 1, RP_KEY_BYTES, pl, sizeof pl, e) != 0 ||
	    (n = noise_hs_write(h->hs, NULL, 0, out + RHS_HDR + 1, RHS_MAX - RHS_HDR - 1, e)) < 0 ||
	    (size_t)n != RHS_ANSWER_NOISE - RHS_HDR - 1) {
		if (!e->msg[0])
			errbuf_set(e, "malformed client hello");
		goto refuse;
	}
	*outlen = RHS_ANSWER_NOISE;
	return 0;
refuse:
	*outlen = RHS_REFUSAL;
	rhs_refusal(out, h->mode, code);
	return -1;
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
		errbuf_set(e, "protocol version mismatch: the server speaks version %u%s%.0u, this "
			   "ipcsh speaks %u", in[4], in[4] != in[5] ? " to " : "",
			   in[4] != in[5] ? in[5] : 0, RP_VERSION);
		return RHS_E_VERSION;
	case RP_REFUSE_MODE:
		errbuf_set(e, "server refused the connection mode (key vs. ssh)");
		return RHS_E_PROTO;
	case RP_REFUSE_CIPHER:
		errbuf_set(e, "server has no cipher in common with us");
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
	/* A refusal of any version names the version in its header. */
	if (len == RHS_REFUSAL && memcmp(in, magic, 4) == 0 && in[7] == 'R')
		return client_refused(in, e);
	if (len < RHS_HDR) {
		errbuf_set(e, "malformed server hello");
		return RHS_E_PROTO;
	}
	if (check_hdr(in, h->mode, 'S', &code, e) < 0)
		return code == RP_REFUSE_VERSION ? RHS_E_VERSION : RHS_E_PROTO;
	size_t want = h->mode == RP_MODE_NOISE ? RHS_ANSWER_NOISE : RHS_HDR;
	if (len != want || in[4] != in[5]) {
		errbuf_set(e, "malformed server hello");
		return RHS_E_PROTO;
	}
	if (h->mode != RP_MODE_NOISE)
		return RHS_OK;
	h->cipher = in[RHS_HDR];
	if ((h->cipher != RP_CIPHER_AESGCM && h->cipher != RP_CIPHER_CHACHAPOLY) ||
	    !(h->cipher & h->offer)) {
		errbuf_set(e, "the server chose a cipher we did not offer");
		return RHS_E_PROTO;
	}
	memcpy(h->prologue + RHS_HELLO_NOISE, in, RHS_HDR + 1);
	h->nprologue = RHS_HELLO_NOISE + RHS_HDR + 1;
	/* Message 1 again, now in the HandshakeState: the same e, so the same
	 * bytes as the hello carried. */
	uint8_t m1[RP_KEY_BYTES + 16], pl[16];
	long n;
	if (noise_start(h, e) < 0 || (n = noise_hs_write(h->hs, NULL, 0, m1, sizeof m1, e)) < 0 ||
	    (size_t)n != RP_KEY_BYTES || memcmp(m1, h->epub, RP_KEY_BYTES) != 0) {
		errbuf_set(e, "cannot start the handshake");
		return RHS_E_PROTO;
	}
	if (noise_hs_read(h->hs, in + RHS_HDR + 1, RHS_ANSWER_NOISE - RHS_HDR - 1, pl, sizeof pl,
			  e) != 0) {
		/* Only a server holding the private half of the static key it
		 * sent can produce a message 2 that reads. */
		errbuf_set(e, "authentication failed (the server's handshake did not verify)");
		return RHS_E_AUTH;
	}
	memcpy(h->rs, noise_hs_remote_static(h->hs), RP_KEY_BYTES);
	if (noise_hs_write(h->hs, NULL, 0, out, RHS_MAX, e) != (long)RHS_FINISH_NOISE ||
	    noise_hs_split(h->hs, &h->tx, &h->rx) < 0) {
		errbuf_set(e, "cannot finish the handshake");
		return RHS_E_PROTO;
	}
	*outlen = RHS_FINISH_NOISE;
	return RHS_OK;
}

int rhs_server_finish(struct rhs *h, const uint8_t *in, size_t len, struct errbuf *e)
{
	uint8_t pl[16];
	if (len != RHS_FINISH_NOISE) {
		errbuf_set(e, "malformed client finish");
		return -1;
	}
	if (noise_hs_read(h->hs, in, len, pl, sizeof pl, e) != 0) {
		errbuf_set(e, "authentication failed (the client's handshake did not verify)");
		return -1;
	}
	memcpy(h->rs, noise_hs_remote_static(h->hs), RP_KEY_BYTES);
	if (noise_hs_split(h->hs, &h->tx, &h->rx) < 0) {
		errbuf_set(e, "cannot finish the handshake");
		return -1;
	}
	return 0;
}

void rhs_install(struct rhs *h, struct rconn *c)
{
	if (h->mode != RP_MODE_NOISE) {
		rconn_set_clear(c);
		return;
	}
	rconn_set_crypto(c, &h->tx, &h->rx);
}
