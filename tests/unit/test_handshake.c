/* test_handshake.c — the PSK handshake (docs/PROTOCOL.md §2) driven in
 * memory: success and working session keys, and rejection of a wrong key,
 * a flipped bit, a truncated message, a reflected message, a replayed
 * hello or finish from another session, and a mode or version mismatch. */
#include <string.h>

#include "remote/proto.h"
#include "tap.h"

static uint8_t key[32], other[32];

struct run {
	struct rhs c, s;
	uint8_t h1[RHS_MAX], h2[RHS_MAX], h3[RHS_MAX];
	size_t l1, l2, l3;
	int rs, rc, rf;   /* server hello, client finish, server finish results */
};

/* A full handshake with the given keys; each step's output is kept. */
static void run_hs(struct run *r, const uint8_t *ck, const uint8_t *sk)
{
	struct errbuf e;
	memset(r, 0, sizeof *r);
	rhs_init(&r->c, 'C', RP_MODE_PSK, ck);
	rhs_init(&r->s, 'S', RP_MODE_PSK, sk);
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

/* After a handshake: can the client's frames be opened by the server and
 * the other way round? */
static bool keys_work(struct run *r)
{
	struct rconn *cc = rconn_new(-1, -1), *sc = rconn_new(-1, -1);
	bool ok = rhs_install(&r->c, cc) == 0 && rhs_install(&r->s, sc) == 0;
	uint8_t buf[256];
	struct rframe f;
	struct errbuf e;
	rconn_send_msg(cc, RP_SIGNAL, 0, "\2", 1, false);
	size_t n = rconn_take_output(cc, buf, sizeof buf);
	ok = ok && rconn_feed(sc, buf, n) == n && rconn_next(sc, &f, &e) == 1 &&
	     f.type == RP_SIGNAL && f.payload[0] == 2;
	rconn_send_msg(sc, RP_DATA, 1, "hi", 2, false);
	n = rconn_take_output(sc, buf, sizeof buf);
	ok = ok && rconn_feed(cc, buf, n) == n && rconn_next(cc, &f, &e) == 1 &&
	     f.type == RP_DATA && f.len == 2 && memcmp(f.payload, "hi", 2) == 0;
	/* A client frame reflected back to the client does not open. */
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
	run_hs(&r, key, key);
	TAP_OK(r.rs == 0 && r.rc == RHS_OK && r.rf == 0 && r.l1 == RHS_H1_PSK &&
	       r.l2 == RHS_H2_PSK && r.l3 == RHS_H3_PSK, "the handshake succeeds with the same key");
	TAP_OK(keys_work(&r), "session keys work both ways, and differ per direction");
}

static void test_wrong_key(void)
{
	struct run r;
	struct errbuf e;
	run_hs(&r, other, key);
	TAP_OK(r.rs == -1 && r.l2 == RHS_REFUSAL && r.h2[7] == 'R' && r.h2[8] == RP_REFUSE_AUTH,
	       "a client with the wrong key is refused (AUTH) before any key exchange");
	uint8_t out[RHS_MAX];
	size_t ol;
	TAP_OK(rhs_client_finish(&r.c, r.h2, r.l2, out, &ol, &e) == RHS_E_AUTH &&
	       strcmp(e.msg, "authentication failed") == 0, "the client reports 'authentication failed'");
	/* A server with the wrong key that answers anyway (a MITM holding no
	 * key) is caught by the client. */
	struct rhs c, s;
	uint8_t h1[RHS_MAX], h2[RHS_MAX];
	size_t l2;
	rhs_init(&c, 'C', RP_MODE_PSK, key);
	rhs_init(&s, 'S', RP_MODE_PSK, other);
	size_t l1 = rhs_client_hello(&c, h1);
	/* Forge mac1 for the other key, as a MITM re-signing the hello could not:
	 * here the server simply shares the attacker's key. */
	struct rhs c2;
	rhs_init(&c2, 'C', RP_MODE_PSK, other);
	memcpy(c2.pk, c.pk, 32);
	memcpy(c2.sk, c.sk, 32);
	l1 = rhs_client_hello(&c2, h1);
	TAP_OK(rhs_server_hello(&s, h1, l1, h2, &l2, &e) == 0 &&
	       rhs_client_finish(&c, h2, l2, out, &ol, &e) == RHS_E_AUTH,
	       "a server without the key is not accepted by the client");
}

static void test_tamper(void)
{
	struct run r;
	struct errbuf e;
	int bad = 0, tries = 0;
	for (size_t pos = 0; pos < RHS_H1_PSK; pos += 5) {
		struct rhs s;
		uint8_t out[RHS_MAX];
		size_t ol;
		run_hs(&r, key, key);
		rhs_init(&s, 'S', RP_MODE_PSK, key);
		r.h1[pos] ^= 0x10;
		tries++;
		bad += rhs_server_hello(&s, r.h1, r.l1, out, &ol, &e) == -1;
	}
	TAP_OK(bad == tries, "a flipped bit in the client hello is rejected (%d/%d)", bad, tries);
	bad = tries = 0;
	for (size_t pos = 0; pos < RHS_H2_PSK; pos += 3) {
		struct rhs c;
		uint8_t h1[RHS_MAX], h2[RHS_MAX], out[RHS_MAX];
		size_t l2, ol;
		struct rhs s;
		rhs_init(&c, 'C', RP_MODE_PSK, key);
		rhs_init(&s, 'S', RP_MODE_PSK, key);
		size_t l1 = rhs_client_hello(&c, h1);
		if (rhs_server_hello(&s, h1, l1, h2, &l2, &e) != 0)
			continue;
		h2[pos] ^= 0x01;
		tries++;
		int rc = rhs_client_finish(&c, h2, l2, out, &ol, &e);
		/* The stream header (the last 24 bytes) is checked by the first
		 * frame instead: a flip there makes every frame fail. */
		if (pos >= 104) {
			struct rconn *cc = rconn_new(-1, -1), *sc = rconn_new(-1, -1);
			struct rframe f;
			uint8_t buf[64];
			bool ok = rc == RHS_OK && rhs_install(&c, cc) == 0 && rhs_install(&s, sc) == 0;
			rconn_send_msg(sc, RP_EOF, 1, NULL, 0, false);
			size_t n = rconn_take_output(sc, buf, sizeof buf);
			bad += ok && rconn_feed(cc, buf, n) == n && rconn_next(cc, &f, &e) == -1;
			rconn_free(cc);
			rconn_free(sc);
		} else {
			bad += rc != RHS_OK;
		}
	}
	TAP_OK(bad == tries, "a flipped bit in the server hello is rejected (%d/%d)", bad, tries);
	run_hs(&r, key, key);
	struct rhs s;
	uint8_t out[RHS_MAX];
	size_t ol;
	rhs_init(&s, 'S', RP_MODE_PSK, key);
	run_hs(&r, key, key);
	r.h3[3] ^= 4;
	TAP_OK(rhs_server_finish(&r.s, r.h3, r.l3, &e) == -1, "a flipped bit in the client finish");
	run_hs(&r, key, key);
	TAP_OK(rhs_server_hello(&s, r.h1, r.l1 - 1, out, &ol, &e) == -1,
	       "a truncated client hello is rejected");
	run_hs(&r, key, key);
	struct rhs c;
	uint8_t h1[RHS_MAX], h2[RHS_MAX];
	size_t l2;
	rhs_init(&c, 'C', RP_MODE_PSK, key);
	rhs_init(&s, 'S', RP_MODE_PSK, key);
	size_t l1 = rhs_client_hello(&c, h1);
	TAP_OK(rhs_server_hello(&s, h1, l1, h2, &l2, &e) == 0 &&
	       rhs_client_finish(&c, h2, l2 - 1, out, &ol, &e) != RHS_OK,
	       "a truncated server hello is rejected");
	run_hs(&r, key, key);
	TAP_OK(rhs_server_finish(&r.s, r.h3, r.l3 - 10, &e) == -1,
	       "a truncated client finish is rejected");
}

static void test_reflect_replay(void)
{
	struct run r;
	struct errbuf e;
	uint8_t out[RHS_MAX];
	size_t ol;
	run_hs(&r, key, key);
	struct rhs c;
	rhs_init(&c, 'C', RP_MODE_PSK, key);
	uint8_t h1[RHS_MAX];
	size_t l1 = rhs_client_hello(&c, h1);
	TAP_OK(rhs_client_finish(&c, h1, l1, out, &ol, &e) != RHS_OK,
	       "a client hello reflected back to the client is rejected");
	/* A client hello with its role byte changed to 'S' and padded. */
	uint8_t fake[RHS_H2_PSK] = {0};
	memcpy(fake, h1, l1);
	fake[7] = 'S';
	TAP_OK(rhs_client_finish(&c, fake, sizeof fake, out, &ol, &e) == RHS_E_AUTH,
	       "a reflected hello dressed as a server hello fails its MAC");
	struct rhs s;
	rhs_init(&s, 'S', RP_MODE_PSK, key);
	TAP_OK(rhs_server_hello(&s, r.h2, RHS_H1_PSK, out, &ol, &e) == -1,
	       "a server hello reflected to a server is rejected");
	/* Replay: a recorded H1 and H3 against a fresh server. */
	rhs_init(&s, 'S', RP_MODE_PSK, key);
	int h = rhs_server_hello(&s, r.h1, r.l1, out, &ol, &e);
	TAP_OK(h == 0 && rhs_server_finish(&s, r.h3, r.l3, &e) == -1,
	       "a replayed client hello and finish do not complete a handshake");
	/* Replay: a server hello recorded from another session. */
	rhs_init(&c, 'C', RP_MODE_PSK, key);
	l1 = rhs_client_hello(&c, h1);
	TAP_OK(rhs_client_finish(&c, r.h2, r.l2, out, &ol, &e) == RHS_E_AUTH,
	       "a server hello from another session is rejected");
	/* Reflection of the finish: the server's fin_s is not a valid fin_c. */
	run_hs(&r, key, key);
	uint8_t h3[RHS_H3_PSK];
	memcpy(h3, r.h2 + 72, 32);
	memcpy(h3 + 32, r.h2 + 104, 24);
	rhs_init(&s, 'S', RP_MODE_PSK, key);
	struct rhs s2 = r.s;
	TAP_OK(rhs_server_finish(&s2, h3, sizeof h3, &e) == -1,
	       "the server's finish reflected as the client's is rejected");
}

static void test_modes(void)
{
	struct errbuf e;
	struct rhs c, s;
	uint8_t h1[RHS_MAX], out[RHS_MAX], h3[RHS_MAX];
	size_t ol, l3;
	rhs_init(&c, 'C', RP_MODE_CLEAR, NULL);
	rhs_init(&s, 'S', RP_MODE_PSK, key);
	size_t l1 = rhs_client_hello(&c, h1);
	TAP_OK(rhs_server_hello(&s, h1, l1, out, &ol, &e) == -1 && out[8] == RP_REFUSE_MODE,
	       "a clear-mode client is refused by a key-mode server");
	TAP_OK(rhs_client_finish(&c, out, ol, h3, &l3, &e) == RHS_E_PROTO, "the client sees it");
	rhs_init(&s, 'S', RP_MODE_CLEAR, NULL);
	TAP_OK(rhs_server_hello(&s, h1, l1, out, &ol, &e) == 0 && ol == RHS_HDR &&
	       rhs_client_finish(&c, out, ol, h3, &l3, &e) == RHS_OK && l3 == 0,
	       "clear mode: hello and answer");
	h1[4] = h1[5] = 9;
	rhs_init(&s, 'S', RP_MODE_CLEAR, NULL);
	TAP_OK(rhs_server_hello(&s, h1, l1, out, &ol, &e) == -1 && out[8] == RP_REFUSE_VERSION &&
	       rhs_client_finish(&c, out, ol, h3, &l3, &e) == RHS_E_VERSION,
	       "no common version: refused as VERSION");
	uint8_t busy[RHS_REFUSAL];
	rhs_refusal(busy, RP_MODE_PSK, RP_REFUSE_BUSY);
	rhs_init(&c, 'C', RP_MODE_PSK, key);
	(void)rhs_client_hello(&c, h1);
	TAP_OK(rhs_client_finish(&c, busy, sizeof busy, h3, &l3, &e) == RHS_E_BUSY, "BUSY is reported");
	rhs_refusal(busy, RP_MODE_PSK, RP_REFUSE_RETRY);
	TAP_OK(rhs_client_finish(&c, busy, sizeof busy, h3, &l3, &e) == RHS_E_RETRY &&
		       strstr(e.msg, "too many handshakes"),
	       "RETRY (--max-startups) is reported as such, for the client to try again");
	TAP_OK(rhs_client_finish(&c, (const uint8_t *)"HTTP/1.1 400 Bad", 16, h3, &l3, &e) ==
		       RHS_E_PROTO, "an HTTP answer is not a server hello");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(key, sizeof key);
	randombytes_buf(other, sizeof other);
	test_ok();
	test_wrong_key();
	test_tamper();
	test_reflect_replay();
	test_modes();
	return tap_done();
}
