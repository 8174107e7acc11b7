/* test_noise.c — src/remote/noise.c against the published Noise test
 * vectors (tests/noise-vectors/: cacophony's and snow's files, unchanged),
 * read and parsed here at test time. Every vector whose primitives noise.c
 * provides (25519; ChaChaPoly, AESGCM where the CPU has it; SHA256, SHA512,
 * BLAKE2b) runs: each handshake and transport message is written by one side
 * and compared byte for byte, read by the other and its payload compared,
 * and the handshake hash compared where the file gives one. Any vector that
 * names those primitives but does not parse is a failure; only 448 and
 * BLAKE2s (which libsodium lacks) are counted out, and AESGCM on a CPU
 * without hardware AES.
 * Then the ways a handshake must fail: a flipped bit, a truncated message,
 * the wrong responder key, a wrong psk, a reflected message. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "remote/noise.h"
#include "tap.h"

/* ---- a JSON reader for these files: objects, arrays, strings ---------- */

enum { J_STR, J_ARR, J_OBJ };

struct jv {
	int type;
	char *str;                 /* J_STR */
	size_t n;                  /* items of J_ARR / J_OBJ */
	struct jv **item;
	char **key;                /* J_OBJ */
};

static void ws(const char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\r' || **p == '\t')
		(*p)++;
}

/* Strings here are hex and names: no escapes are accepted. */
static char *jstr(const char **p)
{
	if (**p != '"')
		return NULL;
	const char *s = ++*p, *q = strchr(s, '"');
	if (!q || memchr(s, '\\', (size_t)(q - s)))
		return NULL;
	*p = q + 1;
	return xstrndup(s, (size_t)(q - s));
}

static void jfree(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(v->item[i]);
		if (v->key)
			free(v->key[i]);
	}
	free(v->item);
	free(v->key);
	free(v->str);
	free(v);
}

static struct jv *jparse(const char **p)
{
	struct jv *v = xcalloc(1, sizeof *v);
	ws(p);
	if (**p == '"') {
		v->type = J_STR;
		if (!(v->str = jstr(p)))
			goto bad;
		return v;
	}
	if (**p != '[' && **p != '{')
		goto bad;
	v->type = **p == '[' ? J_ARR : J_OBJ;
	char close = v->type == J_ARR ? ']' : '}';
	(*p)++;
	ws(p);
	if (**p == close) {
		(*p)++;
		return v;
	}
	for (;;) {
		char *k = NULL;
		struct jv *x;
		if (v->type == J_OBJ) {
			ws(p);
			k = jstr(p);
			ws(p);
			if (!k || *(*p)++ != ':') {
				free(k);
				goto bad;
			}
		}
		if (!(x = jparse(p))) {
			free(k);
			goto bad;
		}
		v->item = xrealloc(v->item, (v->n + 1) * sizeof *v->item);
		v->item[v->n] = x;
		if (v->type == J_OBJ) {
			v->key = xrealloc(v->key, (v->n + 1) * sizeof *v->key);
			v->key[v->n] = k;
		}
		v->n++;
		ws(p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		if (*(*p)++ != close)
			goto bad;
		return v;
	}
bad:
	jfree(v);
	return NULL;
}

static struct jv *jget(const struct jv *o, const char *key)
{
	for (size_t i = 0; o && o->type == J_OBJ && i < o->n; i++)
		if (strcmp(o->key[i], key) == 0)
			return o->item[i];
	return NULL;
}

/* A hex member as bytes; NULL when absent. *len gets the length. */
static uint8_t *jhex(const struct jv *o, const char *key, size_t *len)
{
	const struct jv *v = jget(o, key);
	*len = 0;
	if (!v || v->type != J_STR)
		return NULL;
	size_t n = strlen(v->str);
	uint8_t *b = xmalloc(n / 2 + 1);
	if (sodium_hex2bin(b, n / 2 + 1, v->str, n, NULL, len, NULL) != 0 || *len != n / 2) {
		free(b);
		return NULL;
	}
	return b;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, len = 0, got;
	char *buf = xmalloc(cap + 1);
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* ---- running one vector ------------------------------------------------ */

struct side {
	uint8_t *s, *e, *rs, *prologue;
	size_t slen, elen, rslen, plen;
	uint8_t (*psk)[NOISE_KEYLEN];
	size_t npsk;
	bool bad;
};

static void side_load(struct side *sd, const struct jv *v, const char *who)
{
	char k[40];
	size_t n;
	memset(sd, 0, sizeof *sd);
	snprintf(k, sizeof k, "%s_static", who);
	sd->s = jhex(v, k, &sd->slen);
	snprintf(k, sizeof k, "%s_ephemeral", who);
	sd->e = jhex(v, k, &sd->elen);
	snprintf(k, sizeof k, "%s_remote_static", who);
	sd->rs = jhex(v, k, &sd->rslen);
	snprintf(k, sizeof k, "%s_prologue", who);
	sd->prologue = jhex(v, k, &sd->plen);
	snprintf(k, sizeof k, "%s_psks", who);
	const struct jv *a = jget(v, k);
	if (a && a->type == J_ARR) {
		sd->npsk = a->n;
		sd->psk = xcalloc(a->n + 1, NOISE_KEYLEN);
		for (size_t i = 0; i < a->n; i++) {
			const struct jv *x = a->item[i];
			if (x->type != J_STR ||
			    sodium_hex2bin(sd->psk[i], NOISE_KEYLEN, x->str, strlen(x->str), NULL, &n,
					   NULL) != 0 || n != NOISE_KEYLEN)
				sd->bad = true;
		}
	}
	if ((sd->s && sd->slen != 32) || (sd->e && sd->elen != 32) || (sd->rs && sd->rslen != 32))
		sd->bad = true;
}

static void side_free(struct side *sd)
{
	free(sd->s);
	free(sd->e);
	free(sd->rs);
	free(sd->prologue);
	free(sd->psk);
}

static struct noise_hs *side_hs(const struct noise_protocol *p, bool init, struct side *sd,
				struct errbuf *e)
{
	struct noise_keys k = {
		.s = sd->s, .rs = sd->rs, .e = sd->e,
		.psk = (const uint8_t(*)[NOISE_KEYLEN])sd->psk, .npsk = sd->npsk,
		.prologue = sd->prologue, .prologue_len = sd->plen,
	};
	return noise_hs_new(p, init, &k, e);
}

/* One message: sent by `from`, compared, received by `to`. */
static bool run_msg(const struct jv *m, struct noise_hs *from, struct noise_hs *to,
		    struct noise_cs *sc, struct noise_cs *rc, const char **why)
{
	size_t plen, clen;
	uint8_t *pay = jhex(m, "payload", &plen), *ct = jhex(m, "ciphertext", &clen);
	uint8_t out[NOISE_MSG_MAX], back[NOISE_MSG_MAX];
	struct errbuf e;
	long w, r;
	bool ok = false;
	if (!pay || !ct) {
		*why = "message without payload or ciphertext";
		goto done;
	}
	if (from) {
		w = noise_hs_write(from, pay, plen, out, sizeof out, &e);
		r = w < 0 ? -1 : noise_hs_read(to, out, (size_t)w, back, sizeof back, &e);
	} else {
		w = noise_cs_encrypt(sc, NULL, 0, pay, plen, out);
		r = w < 0 ? -1 : noise_cs_decrypt(rc, NULL, 0, out, (size_t)w, back);
	}
	if (w < 0 || (size_t)w != clen || memcmp(out, ct, clen) != 0)
		*why = "ciphertext differs";
	else if (r < 0 || (size_t)r != plen || memcmp(back, pay, plen) != 0)
		*why = "payload read back differs";
	else
		ok = true;
done:
	free(pay);
	free(ct);
	return ok;
}

/* Returns 1 passed, 0 failed (why set), -1 counted out. */
static int run_vector(const struct jv *v, const char **why)
{
	const struct jv *name = jget(v, "protocol_name"), *msgs = jget(v, "messages");
	struct noise_protocol p;
	struct errbuf e;
	if (!name || name->type != J_STR || !msgs || msgs->type != J_ARR) {
		*why = "malformed vector";
		return 0;
	}
	if (strstr(name->str, "_448_") || strstr(name->str, "BLAKE2s") ||
	    (strstr(name->str, "AESGCM") && !crypto_aead_aes256gcm_is_available()))
		return -1;
	if (noise_protocol_parse(name->str, &p, &e) < 0) {
		*why = "protocol name does not parse";
		return 0;
	}
	struct side si, sr;
	side_load(&si, v, "init");
	side_load(&sr, v, "resp");
	struct noise_hs *hi = NULL, *hr = NULL;
	struct noise_cs i_send, i_recv, r_send, r_recv;
	int ok = 0;
	*why = "bad keys in vector";
	if (si.bad || sr.bad || !(hi = side_hs(&p, true, &si, &e)) ||
	    !(hr = side_hs(&p, false, &sr, &e)))
		goto done;
	for (size_t i = 0; i < msgs->n; i++) {
		bool by_init = p.one_way || i % 2 == 0;
		if (i < p.nmsg) {
			if (!run_msg(msgs->item[i], by_init ? hi : hr, by_init ? hr : hi, NULL, NULL,
				     why))
				goto done;
			continue;
		}
		if (i == p.nmsg) {
			uint8_t h1[NOISE_HASHLEN_MAX], h2[NOISE_HASHLEN_MAX];
			size_t want_len, hl = noise_hs_hash(hi, h1);
			uint8_t *want = jhex(v, "handshake_hash", &want_len);
			bool same = noise_hs_hash(hr, h2) == hl && memcmp(h1, h2, hl) == 0 &&
				    (!want || (want_len == hl && memcmp(want, h1, hl) == 0));
			free(want);
			*why = "handshake hash differs";
			if (!same || noise_hs_split(hi, &i_send, &i_recv) < 0 ||
			    noise_hs_split(hr, &r_send, &r_recv) < 0)
				goto done;
		}
		if (!run_msg(msgs->item[i], NULL, NULL, by_init ? &i_send : &r_send,
			     by_init ? &r_recv : &i_recv, why))
			goto done;
	}
	*why = "vector has fewer messages than the handshake";
	ok = msgs->n > p.nmsg;
done:
	noise_hs_free(hi);
	noise_hs_free(hr);
	side_free(&si);
	side_free(&sr);
	return ok;
}

static void run_file(const char *dir, const char *file)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	char *text = read_file(path);
	const char *at = text;
	struct jv *root = text ? jparse(&at) : NULL;
	const struct jv *vs = jget(root, "vectors");
	TAP_OK(vs && vs->type == J_ARR && vs->n > 0, "%s: read and parsed", file);
	size_t passed = 0, out = 0, failed = 0;
	for (size_t i = 0; vs && i < vs->n; i++) {
		const char *why = NULL;
		int r = run_vector(vs->item[i], &why);
		const struct jv *nm = jget(vs->item[i], "protocol_name");
		if (r == 1) {
			passed++;
			TAP_OK(1, "%s #%zu %s", file, i, nm->str);
		} else if (r == 0) {
			failed++;
			TAP_OK(0, "%s #%zu %s: %s", file, i, nm ? nm->str : "?", why);
		} else {
			out++;
		}
	}
	printf("# %s: %zu vectors, %zu passed, %zu failed, %zu not for noise.c "
	       "(448, BLAKE2s, AESGCM without hardware AES)\n",
	       file, vs ? vs->n : 0, passed, failed, out);
	TAP_OK(passed > 0, "%s: some vectors ran", file);
	jfree(root);
	free(text);
}

/* ---- failures ---------------------------------------------------------- */

static uint8_t is[32], rs_[32], rpub[32], other[32], opub[32];

static struct noise_hs *mk(const char *name, bool init, const uint8_t *rs, const uint8_t *psk)
{
	struct noise_protocol p;
	struct errbuf e;
	uint8_t pk[1][NOISE_KEYLEN];
	if (psk)
		memcpy(pk[0], psk, 32);
	struct noise_keys k = {.s = init ? is : rs_, .rs = rs,
			       .psk = psk ? (const uint8_t(*)[32])pk : NULL, .npsk = psk ? 1 : 0,
			       .prologue = (const uint8_t *)"v2", .prologue_len = 2};
	if (noise_protocol_parse(name, &p, &e) < 0)
		return NULL;
	return noise_hs_new(&p, init, &k, &e);
}

static void failures(void)
{
	struct errbuf e;
	uint8_t m1[512], m2[512], m3[512], pay[512];
	long l1, l2;
	if (noise_keypair(is, m1, false) < 0 || noise_keypair(rs_, rpub, false) < 0 ||
	    noise_keypair(other, opub, false) < 0)
		abort();

	/* XX: a flipped bit in message 2 is refused, and the handshake stays dead. */
	struct noise_hs *i = mk("Noise_XX_25519_ChaChaPoly_SHA256", true, NULL, NULL);
	struct noise_hs *r = mk("Noise_XX_25519_ChaChaPoly_SHA256", false, NULL, NULL);
	l1 = noise_hs_write(i, NULL, 0, m1, sizeof m1, &e);
	TAP_OK(l1 == 32 && noise_hs_read(r, m1, (size_t)l1, pay, sizeof pay, &e) == 0,
	       "XX message 1 is 32 bytes and reads");
	l2 = noise_hs_write(r, (const uint8_t *)"hi", 2, m2, sizeof m2, &e);
	m2[40] ^= 1;
	TAP_OK(noise_hs_read(i, m2, (size_t)l2, pay, sizeof pay, &e) < 0, "a flipped bit is refused");
	m2[40] ^= 1;
	TAP_OK(noise_hs_read(i, m2, (size_t)l2, pay, sizeof pay, &e) < 0,
	       "after a failure the handshake stays dead");
	noise_hs_free(i);
	noise_hs_free(r);

	/* A truncated message, and one reflected to its sender. */
	i = mk("Noise_XX_25519_AESGCM_SHA256", true, NULL, NULL);
	r = mk("Noise_XX_25519_AESGCM_SHA256", false, NULL, NULL);
	if (!i || !r) {  /* no hardware AES: the same checks with ChaChaPoly */
		noise_hs_free(i);
		noise_hs_free(r);
		i = mk("Noise_XX_25519_ChaChaPoly_BLAKE2b", true, NULL, NULL);
		r = mk("Noise_XX_25519_ChaChaPoly_BLAKE2b", false, NULL, NULL);
	}
	l1 = noise_hs_write(i, NULL, 0, m1, sizeof m1, &e);
	TAP_OK(noise_hs_read(r, m1, 31, pay, sizeof pay, &e) < 0 && strstr(e.msg, "length"),
	       "a truncated message 1 is refused: %s", e.msg);
	noise_hs_free(r);
	r = mk("Noise_XX_25519_AESGCM_SHA256", false, NULL, NULL);
	if (!r)
		r = mk("Noise_XX_25519_ChaChaPoly_BLAKE2b", false, NULL, NULL);
	TAP_OK(noise_hs_read(r, m1, (size_t)l1, pay, sizeof pay, &e) == 0, "message 1 reads");
	l2 = noise_hs_write(r, NULL, 0, m2, sizeof m2, &e);
	TAP_OK(noise_hs_read(r, m2, (size_t)l2, pay, sizeof pay, &e) < 0,
	       "the responder's own message reflected to it is refused");
	TAP_OK(noise_hs_read(i, m2, (size_t)l2 - 1, pay, sizeof pay, &e) < 0,
	       "a message 2 one byte short is refused");
	noise_hs_free(i);
	noise_hs_free(r);

	/* IK with the wrong responder key: the responder cannot read message 1. */
	i = mk("Noise_IK_25519_ChaChaPoly_SHA512", true, opub, NULL);
	r = mk("Noise_IK_25519_ChaChaPoly_SHA512", false, NULL, NULL);
	l1 = noise_hs_write(i, NULL, 0, m1, sizeof m1, &e);
	TAP_OK(l1 > 0 && noise_hs_read(r, m1, (size_t)l1, pay, sizeof pay, &e) < 0,
	       "IK to a responder with another key is refused");
	noise_hs_free(i);
	noise_hs_free(r);

	/* ... and with the right one, both learn each other's key and agree. */
	i = mk("Noise_IK_25519_ChaChaPoly_SHA512", true, rpub, NULL);
	r = mk("Noise_IK_25519_ChaChaPoly_SHA512", false, NULL, NULL);
	l1 = noise_hs_write(i, (const uint8_t *)"x", 1, m1, sizeof m1, &e);
	bool ok = l1 > 0 && noise_hs_read(r, m1, (size_t)l1, pay, sizeof pay, &e) == 1;
	l2 = noise_hs_write(r, NULL, 0, m2, sizeof m2, &e);
	ok = ok && l2 > 0 && noise_hs_read(i, m2, (size_t)l2, pay, sizeof pay, &e) == 0;
	uint8_t ipub[32];
	ok = ok && noise_keypair(is, ipub, true) == 0 && noise_hs_remote_static(r) &&
	     memcmp(noise_hs_remote_static(r), ipub, 32) == 0;
	struct noise_cs is_, ir, rs2, rr;
	ok = ok && noise_hs_split(i, &is_, &ir) == 0 && noise_hs_split(r, &rs2, &rr) == 0;
	long n = ok ? noise_cs_encrypt(&is_, NULL, 0, (const uint8_t *)"data", 4, m3) : -1;
	ok = ok && n == 20 && noise_cs_decrypt(&rr, NULL, 0, m3, 20, pay) == 4;
	TAP_OK(ok, "IK completes; the responder learns the initiator's key; transport works");
	TAP_OK(noise_cs_decrypt(&rr, NULL, 0, m3, 20, pay) < 0, "a replayed transport message is refused");
	n = noise_cs_encrypt(&is_, NULL, 0, (const uint8_t *)"data", 4, m3);
	TAP_OK(n == 20 && noise_cs_decrypt(&ir, NULL, 0, m3, 20, pay) < 0,
	       "a transport message reflected to its sender is refused");
	TAP_OK(noise_cs_decrypt(&rr, NULL, 0, m3, 20, pay) == 4, "... and opens at its receiver");
	noise_cs_rekey(&is_);
	n = noise_cs_encrypt(&is_, NULL, 0, (const uint8_t *)"data", 4, m3);
	TAP_OK(n == 20 && noise_cs_decrypt(&rr, NULL, 0, m3, 20, pay) < 0,
	       "after one side rekeys alone, its messages do not open");
	noise_cs_rekey(&rr);
	TAP_OK(noise_cs_decrypt(&rr, NULL, 0, m3, 20, pay) == 4, "after both rekey they do");
	noise_hs_free(i);
	noise_hs_free(r);

	/* A wrong psk: message 1 of NNpsk0 does not authenticate. */
	uint8_t k1[32] = {1}, k2[32] = {2};
	i = mk("Noise_NNpsk0_25519_ChaChaPoly_SHA256", true, NULL, k1);
	r = mk("Noise_NNpsk0_25519_ChaChaPoly_SHA256", false, NULL, k2);
	l1 = noise_hs_write(i, NULL, 0, m1, sizeof m1, &e);
	TAP_OK(l1 == 48 && noise_hs_read(r, m1, (size_t)l1, pay, sizeof pay, &e) < 0,
	       "a wrong psk is refused");
	noise_hs_free(i);
	noise_hs_free(r);

	/* Names that must not parse. */
	struct noise_protocol p;
	const char *badnames[] = {"Noise_XX_25519_ChaChaPoly", "Noise_ZZ_25519_ChaChaPoly_SHA256",
				  "Noise_XX_448_ChaChaPoly_SHA256", "Noise_XXpsk_25519_ChaChaPoly_SHA256",
				  "Noise_XXpsk9_25519_ChaChaPoly_SHA256", "Noise_XX_25519_ChaChaPoly_MD5",
				  "Noise_XXpsk0+_25519_ChaChaPoly_SHA256",
				  "Noise_NNpsk0+psk0+psk0+psk0+psk0_25519_ChaChaPoly_SHA256"};
	for (size_t b = 0; b < sizeof badnames / sizeof *badnames; b++)
		TAP_OK(noise_protocol_parse(badnames[b], &p, &e) < 0, "'%s' is refused: %s", badnames[b],
		       e.msg);
	/* A pattern with no static key given where it needs one. */
	TAP_OK(mk("Noise_IK_25519_ChaChaPoly_SHA256", true, NULL, NULL) == NULL,
	       "IK without the responder's key is refused");
}

/* The record layer seals and opens in place (src/remote/conn.c): for both
 * ciphers and sizes up to a maximal frame, sealing in place gives the bytes
 * sealing into another buffer gives, and opening in place gives the
 * plaintext back. Under IPCSH_AEAD=sodium the same holds for libsodium's. */
static void in_place(void)
{
	enum { MAX = 262146 + 16 };
	uint8_t *m = malloc(MAX), *a = malloc(MAX), *b = malloc(MAX);
	randombytes_buf(m, MAX - 16);
	bool aes = crypto_aead_aes256gcm_is_available() || strcmp(noise_aead_library(), "OpenSSL") == 0;
	for (int ci = 0; ci < 1 + aes; ci++) {
		uint8_t cipher = ci ? NOISE_AESGCM : NOISE_CHACHAPOLY;
		bool ok = true;
		for (size_t len = 0; len <= MAX - 16; len = len < 64 ? len + 1 : len * 2 + 17) {
			struct noise_cs s1 = {.has_k = true, .cipher = cipher}, s2, r;
			randombytes_buf(s1.k, sizeof s1.k);
			s2 = r = s1;
			long x = noise_cs_encrypt(&s1, (const uint8_t *)"abcd", 4, m, len, a);
			memcpy(b, m, len);
			long y = noise_cs_encrypt(&s2, (const uint8_t *)"abcd", 4, b, len, b);
			ok = ok && x == y && x == (long)len + 16 && memcmp(a, b, (size_t)x) == 0 &&
			     noise_cs_decrypt(&r, (const uint8_t *)"abcd", 4, b, (size_t)y, b) == (long)len &&
			     memcmp(b, m, len) == 0;
		}
		TAP_OK(ok, "%s (%s): sealing and opening in place give the same bytes",
		       ci ? "AES-256-GCM" : "ChaCha20-Poly1305", noise_aead_library());
	}
	free(m);
	free(a);
	free(b);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	in_place();
	const char *src = getenv("IPCSH_SRC");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/noise-vectors", src ? src : ".");
	run_file(dir, "cacophony.txt");
	run_file(dir, "snow.txt");
	failures();
	return tap_done();
}
