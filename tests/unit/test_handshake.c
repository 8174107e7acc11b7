/* test_handshake.c — protocol version 2's handshake (docs/PROTOCOL.md §2)
 * driven in memory: success with either cipher and working session keys
 * that differ per direction; each side learns the other's static key;
 * rejection of a flipped bit in any message, a downgraded cipher offer or
 * a changed choice (the prologue), a message replayed from another session
 * or reflected, a version 1 peer (a clear "protocol version" error both
 * ways), a mode mismatch and an offer with no common cipher. */
#include <string.h>

#include "remote/proto.h"
#include "tap.h"

static uint8_t cpriv[32], cpub[32], spriv[32], spub[32];

struct run {
	struct rhs c, s;
	uint8_t h1[RHS_MAX], h2[RHS_MAX], h3[RHS_MAX];
	size_t l1, l2, l3;
	int rs, rc, rf;   /* server hello, client finish, server finish results */
};

/* A full handshake; each step's output is kept. */
static void run_hs(struct run *r, uint8_t offer)
{
	struct errbuf e;
	memset(r, 0, sizeof *r);
	rhs_init(&r->c, 'C', RP_MODE_NOISE, cpriv, offer);
	rhs_init(&r->s, 'S', RP_MODE_NOISE, spriv, 0);
	r->l1 = rhs_client_hello(&r->c, r->h1);
	r->rs = rhs_server_hello(&r->s, r->h1, r->l1, r->h2, &r->l2, &e);
	r->rc = r->rf = 1;
	if (r->rs != 0)
		return;
	r->rc = rhs_client_finish(&r->c, r->h2, r->l2, r->h3, &r->l3, &e);
	if (r->rc != RHS_OK)
		return;
	r->rf = rhs_server_finish(&r->s, r->h3, r->l3, &e);
}

static void run_free(struct run *r)
{
	rhs_wipe(&r->c);
	rhs_wipe(&r->s);
}

/* After a handshake: can the client's frames be opened by the server and
 * the other way round, and not reflected? */
static bool keys_work(struct run *r)
{
	struct rconn *cc = rconn_new(-1, -1), *sc = rconn_new(-1, -1);
	rhs_install(&r->c, cc);
	rhs_install(&r->s, sc);
	uint8_t buf[256];
	struct rframe f;
	struct errbuf e;
	rconn_send_msg(cc, RP_SIGNAL, 0, "\2", 1, false);
	size_t n = rconn_take_output(cc, buf, sizeof buf);
	bool ok = rconn_feed(sc, buf, n) == n && rconn_next(sc, &f, &e) == 1 &&
		  f.type == RP_SIGNAL && f.payload[0] == 2;
	rconn_send_msg(sc, RP_DATA, 1, "hi", 2, false);
	n = rconn_take_output(sc, buf, sizeof buf);
	ok = ok && rconn_feed(cc, buf, n) == n && rconn_next(cc, &f, &e) == 1 &&
	     f.type == RP_DATA && f.len == 2 && memcmp(f.payload, "hi", 2) == 0;
	rconn_send_msg(cc, RP_DATA, 0, "x", 1, false);
	n = rconn_take_output(cc, buf, sizeof buf);
	ok = ok && rconn_feed(cc, buf, n) == n && rconn_next(cc, &f, &e) == -1;
	rconn_free(cc);
	rconn_free(sc);
	return ok;
}

static void test_ok(void)
{
	struct run r;
	run_hs(&r, 0);
	TAP_OK(r.rs == 0 && r.rc == RHS_OK && r.rf == 0 && r.l1 == RHS_HELLO_NOISE &&
	       r.l2 == RHS_ANSWER_NOISE && r.l3 == RHS_FINISH_NOISE,
	       "the handshake succeeds: 41, 105 and 64 bytes");
	TAP_OK(memcmp(r.c.rs, spub, 32) == 0 && memcmp(r.s.rs, cpub, 32) == 0,
	       "each side learns the other's static key");
	uint8_t want = crypto_aead_aes256gcm_is_available() ? RP_CIPHER_AESGCM
							    : RP_CIPHER_CHACHAPOLY;
	TAP_OK(r.c.cipher == want && r.s.cipher == want && r.h2[RHS_HDR] == want,
	       "the cipher is %s (hardware AES: %s)", rhs_cipher_name(want),
	       want == RP_CIPHER_AESGCM ? "yes" : "no");
	TAP_OK(keys_work(&r), "session keys work both ways, and a reflected frame does not open");
	run_free(&r);
	run_hs(&r, RP_CIPHER_CHACHAPOLY);
	TAP_OK(r.rf == 0 && r.c.cipher == RP_CIPHER_CHACHAPOLY &&
	       strcmp(r.s.protocol, "Noise_XX_25519_ChaChaPoly_SHA256") == 0 && keys_work(&r),
	       "a ChaCha20-Poly1305-only offer gets Noise_XX_25519_ChaChaPoly_SHA256");
	run_free(&r);
}

/* Flip one bit at each position of message k (1, 2, 3) of fresh
 * handshakes: the handshake must fail each time. */
static void flip_each(int k)
{
	struct errbuf e;
	size_t len = k == 1 ? RHS_HELLO_NOISE : k == 2 ? RHS_ANSWER_NOISE : RHS_FINISH_NOISE;
	int bad = 0, tries = 0;
	for (size_t pos = 0; pos < len; pos++) {
		struct run r;
		memset(&r, 0, sizeof r);
		rhs_init(&r.c, 'C', RP_MODE_NOISE, cpriv, 0);
		rhs_init(&r.s, 'S', RP_MODE_NOISE, spriv, 0);
		r.l1 = rhs_client_hello(&r.c, r.h1);
		if (k == 1)
			r.h1[pos] ^= 0x10;
		bool fail = rhs_server_hello(&r.s, r.h1, r.l1, r.h2, &r.l2, &e) != 0;
		if (!fail && k == 2)
			r.h2[pos] ^= 0x10;
		fail = fail || rhs_client_finish(&r.c, r.h2, r.l2, r.h3, &r.l3, &e) != RHS_OK;
		if (!fail && k == 3)
			r.h3[pos] ^= 0x10;
		fail = fail || rhs_server_finish(&r.s, r.h3, r.l3, &e) != 0;
		/* A flip in the offer may still leave a cipher both have: it
		 * must then fail through the prologue. */
		tries++;
		bad += fail;
		run_free(&r);
	}
	TAP_OK(bad == tries, "a flipped bit anywhere in message %d is rejected (%d/%d)", k, bad,
	       tries);
}

static void test_prologue(void)
{
	struct errbuf e;
	struct run r;
	memset(&r, 0, sizeof r);
	rhs_init(&r.c, 'C', RP_MODE_NOISE, cpriv, 0);
	rhs_init(&r.s, 'S', RP_MODE_NOISE, spriv, 0);
	r.l1 = rhs_client_hello(&r.c, r.h1);
	r.h1[RHS_HDR] = RP_CIPHER_CHACHAPOLY; /* a man in the middle narrows the offer */
	bool served = rhs_server_hello(&r.s, r.h1, r.l1, r.h2, &r.l2, &e) == 0;
	TAP_OK(served && rhs_client_finish(&r.c, r.h2, r.l2, r.h3, &r.l3, &e) == RHS_E_AUTH,
	       "a downgraded cipher offer makes the client's check fail (prologue)");
	run_free(&r);
	if (!crypto_aead_aes256gcm_is_available())
		return;
	run_hs(&r, 0);
	rhs_wipe(&r.c);
	rhs_init(&r.c, 'C', RP_MODE_NOISE, cpriv, RP_CIPHER_CHACHAPOLY | RP_CIPHER_AESGCM);
	r.l1 = rhs_client_hello(&r.c, r.h1);
	rhs_wipe(&r.s);
	rhs_init(&r.s, 'S', RP_MODE_NOISE, spriv, 0);
	served = rhs_server_hello(&r.s, r.h1, r.l1, r.h2, &r.l2, &e) == 0;
	r.h2[RHS_HDR] = RP_CIPHER_CHACHAPOLY; /* ... or changes the choice */
	TAP_OK(served && rhs_client_finish(&r.c, r.h2, r.l2, r.h3, &r.l3, &e) != RHS_OK,
	       "a changed cipher choice makes the client's check fail");
	run_free(&r);
}

static void test_replay(void)
{
	struct errbuf e;
	struct run a, b;
	run_hs(&a, 0);
	run_hs(&b, 0);
	struct rhs s, c;
	uint8_t out[RHS_MAX];
	size_t ol;
	/* Session b's server, fresh, gets a's hello then a's finish. */
	rhs_init(&s, 'S', RP_MODE_NOISE, spriv, 0);
	bool ok = rhs_server_hello(&s, a.h1, a.l1, out, &ol, &e) == 0;
	TAP_OK(ok && rhs_server_finish(&s, a.h3, a.l3, &e) == -1,
	       "a hello and finish replayed from another session do not authenticate");
	rhs_wipe(&s);
	rhs_init(&c, 'C', RP_MODE_NOISE, cpriv, 0);
	(void)rhs_client_hello(&c, out);
	TAP_OK(rhs_client_finish(&c, a.h2, a.l2, out, &ol, &e) != RHS_OK,
	       "a server answer replayed from another session is rejected");
	rhs_wipe(&c);
	rhs_init(&c, 'C', RP_MODE_NOISE, cpriv, 0);
	size_t l = rhs_client_hello(&c, out);
	TAP_OK(rhs_client_finish(&c, out, l, out, &ol, &e) == RHS_E_PROTO,
	       "the client's own hello reflected back is rejected");
	rhs_wipe(&c);
	run_free(&a);
	run_free(&b);
}

/* Messages one byte short or long, at each step: refused. */
static void test_lengths(void)
{
	struct errbuf e;
	struct run r;
	int bad = 0;
	for (int d = -1; d <= 1; d += 2) {
		run_hs(&r, 0);
		struct rhs s, c;
		uint8_t out[RHS_MAX], h[RHS_MAX + 1] = {0};
		size_t ol;
		rhs_init(&s, 'S', RP_MODE_NOISE, spriv, 0);
		memcpy(h, r.h1, r.l1);
		bad += rhs_server_hello(&s, h, (size_t)((long)r.l1 + d), out, &ol, &e) == -1 &&
		       out[8] == RP_REFUSE_PROTOCOL;
		rhs_wipe(&s);
		rhs_init(&c, 'C', RP_MODE_NOISE, cpriv, 0);
		(void)rhs_client_hello(&c, out);
		memcpy(h, r.h2, r.l2);
		bad += rhs_client_finish(&c, h, (size_t)((long)r.l2 + d), out, &ol, &e) == RHS_E_PROTO;
		rhs_wipe(&c);
		/* The server of run r is still waiting for message 3. */
		run_free(&r);
		memset(&r, 0, sizeof r);
		rhs_init(&r.c, 'C', RP_MODE_NOISE, cpriv, 0);
		rhs_init(&r.s, 'S', RP_MODE_NOISE, spriv, 0);
		r.l1 = rhs_client_hello(&r.c, r.h1);
		bool ok = rhs_server_hello(&r.s, r.h1, r.l1, r.h2, &r.l2, &e) == 0 &&
			  rhs_client_finish(&r.c, r.h2, r.l2, h, &r.l3, &e) == RHS_OK;
		bad += ok && rhs_server_finish(&r.s, h, (size_t)((long)r.l3 + d), &e) == -1;
		run_free(&r);
	}
	TAP_OK(bad == 6, "each message one byte short or long is refused (%d/6)", bad);
}

static void test_version(void)
{
	struct errbuf e;
	struct rhs s, c;
	/* A version 1 client hello: header with versions 1..1, 72 bytes. */
	uint8_t v1[72] = {'I', 'P', 'S', 'H', 1, 1, 1, 'C'}, out[RHS_MAX];
	size_t ol;
	rhs_init(&s, 'S', RP_MODE_NOISE, spriv, 0);
	TAP_OK(rhs_server_hello(&s, v1, sizeof v1, out, &ol, &e) == -1 && ol == RHS_REFUSAL &&
	       out[7] == 'R' && out[8] == RP_REFUSE_VERSION && out[4] == 2 && out[5] == 2 &&
	       strstr(e.msg, "protocol version"),
	       "a version 1 hello gets a VERSION refusal naming version 2 (%s)", e.msg);
	rhs_wipe(&s);
	/* What a version 1 daemon answers a version 2 hello. */
	uint8_t refusal[9] = {'I', 'P', 'S', 'H', 1, 1, 1, 'R', RP_REFUSE_VERSION};
	rhs_init(&c, 'C', RP_MODE_NOISE, cpriv, 0);
	(void)rhs_client_hello(&c, out);
	TAP_OK(rhs_client_finish(&c, refusal, 9, out, &ol, &e) == RHS_E_VERSION &&
	       strstr(e.msg, "protocol version mismatch: the server speaks version 1"),
	       "a version 1 daemon's refusal reads: %s", e.msg);
	rhs_wipe(&c);
	rhs_init(&c, 'C', RP_MODE_CLEAR, NULL, 0);
	rhs_init(&s, 'S', RP_MODE_NOISE, spriv, 0);
	size_t l = rhs_client_hello(&c, out);
	TAP_OK(rhs_server_hello(&s, out, l, out, &ol, &e) == -1 && out[8] == RP_REFUSE_MODE,
	       "a clear-mode hello to a TCP daemon is refused (MODE)");
	rhs_wipe(&s);
	rhs_wipe(&c);
	uint8_t h1[RHS_MAX];
	rhs_init(&c, 'C', RP_MODE_NOISE, cpriv, 0);
	l = rhs_client_hello(&c, h1);
	h1[RHS_HDR] = 0x80;
	rhs_init(&s, 'S', RP_MODE_NOISE, spriv, 0);
	TAP_OK(rhs_server_hello(&s, h1, l, out, &ol, &e) == -1 && out[8] == RP_REFUSE_CIPHER &&
	       rhs_client_finish(&c, out, ol, h1, &ol, &e) == RHS_E_PROTO &&
	       strstr(e.msg, "no cipher in common"), "an offer of no known cipher: %s", e.msg);
	rhs_wipe(&s);
	rhs_wipe(&c);
	struct run r;
	memset(&r, 0, sizeof r);
	rhs_init(&r.c, 'C', RP_MODE_CLEAR, NULL, 0);
	rhs_init(&r.s, 'S', RP_MODE_CLEAR, NULL, 0);
	r.l1 = rhs_client_hello(&r.c, r.h1);
	TAP_OK(r.l1 == RHS_HDR && rhs_server_hello(&r.s, r.h1, r.l1, r.h2, &r.l2, &e) == 0 &&
	       rhs_client_finish(&r.c, r.h2, r.l2, r.h3, &r.l3, &e) == RHS_OK && r.l3 == 0,
	       "clear mode (under ssh): two 8-byte headers");
	run_free(&r);
}

int main(void)
{
	if (sodium_init() < 0 || noise_keypair(cpriv, cpub, false) < 0 ||
	    noise_keypair(spriv, spub, false) < 0)
		return 1;
	test_ok();
	flip_each(1);
	flip_each(2);
	flip_each(3);
	test_prologue();
	test_replay();
	test_lengths();
	test_version();
	return tap_done();
}
