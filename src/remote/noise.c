/* noise.c — the Noise Protocol Framework, revision 34 (see noise.h): the
 * specification's CipherState, SymmetricState and HandshakeState, written
 * from its text section by section, on libsodium's primitives. */
#include "noise.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef IPCSH_AEAD_OPENSSL
#include <dlfcn.h>
#include <openssl/evp.h>
#endif

enum tok { T_E = 1, T_S, T_EE, T_ES, T_SE, T_SS, T_PSK };

/* ---- hashes: HASH, HMAC, HKDF (spec §4.3) ---------------------------- */

union hstate {
	crypto_hash_sha256_state s256;
	crypto_hash_sha512_state s512;
	crypto_generichash_state b2b;
};

static size_t hash_len(uint8_t h)
{
	return h == NOISE_SHA256 ? 32 : 64;
}

static size_t hash_block(uint8_t h)
{
	return h == NOISE_SHA256 ? 64 : 128;
}

static void h_init(uint8_t h, union hstate *st)
{
	if (h == NOISE_SHA256)
		crypto_hash_sha256_init(&st->s256);
	else if (h == NOISE_SHA512)
		crypto_hash_sha512_init(&st->s512);
	else
		crypto_generichash_init(&st->b2b, NULL, 0, 64);
}

static void h_update(uint8_t h, union hstate *st, const uint8_t *p, size_t n)
{
	if (h == NOISE_SHA256)
		crypto_hash_sha256_update(&st->s256, p, n);
	else if (h == NOISE_SHA512)
		crypto_hash_sha512_update(&st->s512, p, n);
	else
		crypto_generichash_update(&st->b2b, p, n);
}

static void h_final(uint8_t h, union hstate *st, uint8_t *out)
{
	if (h == NOISE_SHA256)
		crypto_hash_sha256_final(&st->s256, out);
	else if (h == NOISE_SHA512)
		crypto_hash_sha512_final(&st->s512, out);
	else
		crypto_generichash_final(&st->b2b, out, 64);
	sodium_memzero(st, sizeof *st);
}

/* HMAC (RFC 2104) over the concatenation of two inputs. Noise's keys are
 * never longer than a block (they are chaining keys, HASHLEN bytes). */
static void hmac(uint8_t h, const uint8_t *key, size_t klen, const uint8_t *a, size_t alen,
		 const uint8_t *b, size_t blen, uint8_t *out)
{
	uint8_t pad[128], inner[NOISE_HASHLEN_MAX];
	union hstate st;
	size_t bl = hash_block(h);
	memset(pad, 0, sizeof pad);
	memcpy(pad, key, klen);
	for (size_t i = 0; i < bl; i++)
		pad[i] ^= 0x36;
	h_init(h, &st);
	h_update(h, &st, pad, bl);
	h_update(h, &st, a, alen);
	h_update(h, &st, b, blen);
	h_final(h, &st, inner);
	for (size_t i = 0; i < bl; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	h_init(h, &st);
	h_update(h, &st, pad, bl);
	h_update(h, &st, inner, hash_len(h));
	h_final(h, &st, out);
	sodium_memzero(pad, sizeof pad);
	sodium_memzero(inner, sizeof inner);
}

/* HKDF(chaining_key, ikm, num_outputs) with 2 or 3 outputs. */
static void hkdf(uint8_t h, const uint8_t *ck, const uint8_t *ikm, size_t ilen, uint8_t *o1,
		 uint8_t *o2, uint8_t *o3)
{
	size_t hl = hash_len(h);
	uint8_t tk[NOISE_HASHLEN_MAX], one = 1, two = 2, three = 3;
	hmac(h, ck, hl, ikm, ilen, NULL, 0, tk);
	hmac(h, tk, hl, &one, 1, NULL, 0, o1);
	hmac(h, tk, hl, o1, hl, &two, 1, o2);
	if (o3)
		hmac(h, tk, hl, o2, hl, &three, 1, o3);
	sodium_memzero(tk, sizeof tk);
}

/* ---- CipherState (spec §5.1, cipher functions §12.3/§12.4) ----------- */

static void nonce_bytes(uint8_t cipher, uint64_t n, uint8_t out[12])
{
	memset(out, 0, 12);
	for (int i = 0; i < 8; i++) {
		if (cipher == NOISE_AESGCM)
			out[11 - i] = (uint8_t)(n >> (8 * i));  /* big-endian */
		else
			out[4 + i] = (uint8_t)(n >> (8 * i));   /* little-endian */
	}
}

#ifdef IPCSH_AEAD_OPENSSL
/* The same two AEADs through OpenSSL's EVP (the default build,
 * CRYPTO=openssl): the same bytes as libsodium's, 2.3-3x faster per core
 * here (`ipcsh --bench --crypto`). libcrypto is not linked: it is loaded
 * (dlopen) the first time a record is sealed or opened, so that starting
 * ipcsh, which rarely runs a remote stage, does not pay for loading it
 * (0.6 ms a start here). Without libcrypto.so.3, or with IPCSH_AEAD=sodium
 * in the environment, libsodium's AEADs serve. The types come from
 * OpenSSL's header, so every call is checked against its prototype. */
static struct {
	int state; /* 0: not tried yet, 1: loaded, -1: libsodium's */
	__typeof__(&EVP_aes_256_gcm) aes_256_gcm;
	__typeof__(&EVP_chacha20_poly1305) chacha20_poly1305;
	__typeof__(&EVP_CIPHER_CTX_new) ctx_new;
	__typeof__(&EVP_CIPHER_CTX_ctrl) ctx_ctrl;
	__typeof__(&EVP_CipherInit_ex) init;
	__typeof__(&EVP_CipherUpdate) update;
	__typeof__(&EVP_CipherFinal_ex) final;
} evp;

static bool evp_load(void)
{
	if (evp.state)
		return evp.state > 0;
	evp.state = -1;
	const char *want = getenv("IPCSH_AEAD");
	if (want && strcmp(want, "sodium") == 0)
		return false;
	void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
#define EVP_SYM(field, name) (*(void **)&evp.field = dlsym(h, name))
	if (!EVP_SYM(aes_256_gcm, "EVP_aes_256_gcm") ||
	    !EVP_SYM(chacha20_poly1305, "EVP_chacha20_poly1305") ||
	    !EVP_SYM(ctx_new, "EVP_CIPHER_CTX_new") ||
	    !EVP_SYM(ctx_ctrl, "EVP_CIPHER_CTX_ctrl") || !EVP_SYM(init, "EVP_CipherInit_ex") ||
	    !EVP_SYM(update, "EVP_CipherUpdate") || !EVP_SYM(final, "EVP_CipherFinal_ex")) {
		dlclose(h);
		return false;
	}
#undef EVP_SYM
	evp.state = 1;
	return true;
}

/* seal: out = ciphertext || tag; open: in = ciphertext (len bytes) || tag.
 * 0, or -1 (open: the message does not authenticate). */
static int evp_aead(int seal, uint8_t cipher, const uint8_t *k, const uint8_t nonce[12],
		    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len, uint8_t *out)
{
	/* One context per direction, cipher and thread, its cipher set once:
	 * for each record only the key and nonce are set. Setting the cipher
	 * again allocates in OpenSSL 3, and a session seals millions of
	 * records (under ASan, a 2 M-frame session held 400 MB). */
	static _Thread_local EVP_CIPHER_CTX *ctxs[2][2];
	EVP_CIPHER_CTX **slot = &ctxs[seal != 0][cipher == NOISE_AESGCM];
	if (!*slot) {
		const EVP_CIPHER *c = cipher == NOISE_AESGCM ? evp.aes_256_gcm() : evp.chacha20_poly1305();
		EVP_CIPHER_CTX *fresh = evp.ctx_new();
		if (!fresh || evp.init(fresh, c, NULL, NULL, NULL, seal) != 1 ||
		    evp.ctx_ctrl(fresh, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1)
			return -1;
		*slot = fresh;
	}
	EVP_CIPHER_CTX *ctx = *slot;
	int l, ok = len <= INT_MAX && adlen <= INT_MAX &&
		    evp.init(ctx, NULL, NULL, k, nonce, seal) == 1 &&
		    (adlen == 0 || evp.update(ctx, NULL, &l, ad, (int)adlen) == 1);
	if (ok && !seal)
		ok = evp.ctx_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, NOISE_TAGLEN,
				  (void *)(uintptr_t)(in + len)) == 1;
	ok = ok && (len == 0 || evp.update(ctx, out, &l, in, (int)len) == 1) &&
	     evp.final(ctx, out + len, &l) == 1;
	if (ok && seal)
		ok = evp.ctx_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, NOISE_TAGLEN, out + len) == 1;
	return ok ? 0 : -1;
}
#else
static bool evp_load(void)
{
	return false;
}

static int evp_aead(int seal, uint8_t cipher, const uint8_t *k, const uint8_t nonce[12],
		    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len, uint8_t *out)
{
	(void)seal, (void)cipher, (void)k, (void)nonce, (void)ad, (void)adlen, (void)in, (void)len,
		(void)out;
	return -1;
}
#endif

const char *noise_aead_library(void)
{
	return evp_load() ? "OpenSSL" : "libsodium";
}

static void aead_seal(uint8_t cipher, const uint8_t *k, uint64_t n, const uint8_t *ad, size_t adlen,
		      const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[12];
	nonce_bytes(cipher, n, nonce);
	if (evp_load()) {
		if (evp_aead(1, cipher, k, nonce, ad, adlen, in, len, out) < 0)
			abort(); /* sealing cannot fail but for memory */
		return;
	}
	unsigned long long clen;
	if (cipher == NOISE_AESGCM)
		(void)crypto_aead_aes256gcm_encrypt(out, &clen, in, len, ad, adlen, NULL, nonce, k);
	else
		(void)crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, in, len, ad, adlen, NULL,
								 nonce, k);
}

long noise_cs_encrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen, const uint8_t *in,
		      size_t len, uint8_t *out)
{
	if (!cs->has_k) {
		if (len)
			memmove(out, in, len);
		return (long)len;
	}
	if (cs->n == UINT64_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	aead_seal(cs->cipher, cs->k, cs->n++, ad, adlen, in, len, out);
	return (long)(len + NOISE_TAGLEN);
}

long noise_cs_decrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen, const uint8_t *in,
		      size_t len, uint8_t *out)
{
	if (!cs->has_k) {
		if (len)
			memmove(out, in, len);
		return (long)len;
	}
	if (cs->n == UINT64_MAX || len < NOISE_TAGLEN) {
		errno = EBADMSG;
		return -1;
	}
	uint8_t nonce[12];
	unsigned long long plen = len - NOISE_TAGLEN;
	int r;
	nonce_bytes(cs->cipher, cs->n, nonce);
	if (evp_load())
		r = evp_aead(0, cs->cipher, cs->k, nonce, ad, adlen, in, len - NOISE_TAGLEN, out);
	else if (cs->cipher == NOISE_AESGCM)
		r = crypto_aead_aes256gcm_decrypt(out, &plen, NULL, in, len, ad, adlen, nonce, cs->k);
	else
		r = crypto_aead_chacha20poly1305_ietf_decrypt(out, &plen, NULL, in, len, ad, adlen,
							      nonce, cs->k);
	if (r != 0) {
		errno = EBADMSG;
		return -1;
	}
	cs->n++;
	return (long)plen;
}

void noise_cs_rekey(struct noise_cs *cs)
{
	uint8_t zeros[NOISE_KEYLEN] = {0}, out[NOISE_KEYLEN + NOISE_TAGLEN];
	aead_seal(cs->cipher, cs->k, UINT64_MAX, NULL, 0, zeros, sizeof zeros, out);
	memcpy(cs->k, out, NOISE_KEYLEN);
	sodium_memzero(out, sizeof out);
}

void noise_cs_wipe(struct noise_cs *cs)
{
	sodium_memzero(cs, sizeof *cs);
}

static void cs_init_key(struct noise_cs *cs, const uint8_t *k)
{
	memcpy(cs->k, k, NOISE_KEYLEN);
	cs->has_k = true;
	cs->n = 0;
}

/* ---- SymmetricState (spec §5.2) --------------------------------------- */

struct noise_ss {
	struct noise_cs cs;
	uint8_t ck[NOISE_HASHLEN_MAX], h[NOISE_HASHLEN_MAX];
	uint8_t hash;
};

static void ss_mix_hash(struct noise_ss *ss, const uint8_t *p, size_t n)
{
	union hstate st;
	h_init(ss->hash, &st);
	h_update(ss->hash, &st, ss->h, hash_len(ss->hash));
	h_update(ss->hash, &st, p, n);
	h_final(ss->hash, &st, ss->h);
}

static void ss_init(struct noise_ss *ss, const struct noise_protocol *p)
{
	size_t n = strlen(p->name), hl = hash_len(p->hash);
	memset(ss, 0, sizeof *ss);
	ss->hash = p->hash;
	ss->cs.cipher = p->cipher;
	if (n <= hl) {
		memcpy(ss->h, p->name, n);
	} else {
		union hstate st;
		h_init(p->hash, &st);
		h_update(p->hash, &st, (const uint8_t *)p->name, n);
		h_final(p->hash, &st, ss->h);
	}
	memcpy(ss->ck, ss->h, hl);
}

static void ss_mix_key(struct noise_ss *ss, const uint8_t *ikm, size_t n)
{
	uint8_t tk[NOISE_HASHLEN_MAX];
	hkdf(ss->hash, ss->ck, ikm, n, ss->ck, tk, NULL);
	cs_init_key(&ss->cs, tk);  /* truncated to 32 bytes */
	sodium_memzero(tk, sizeof tk);
}

static void ss_mix_key_and_hash(struct noise_ss *ss, const uint8_t *ikm, size_t n)
{
	uint8_t th[NOISE_HASHLEN_MAX], tk[NOISE_HASHLEN_MAX];
	hkdf(ss->hash, ss->ck, ikm, n, ss->ck, th, tk);
	ss_mix_hash(ss, th, hash_len(ss->hash));
	cs_init_key(&ss->cs, tk);
	sodium_memzero(tk, sizeof tk);
}

static long ss_encrypt_and_hash(struct noise_ss *ss, const uint8_t *in, size_t len, uint8_t *out)
{
	long n = noise_cs_encrypt(&ss->cs, ss->h, hash_len(ss->hash), in, len, out);
	if (n >= 0)
		ss_mix_hash(ss, out, (size_t)n);
	return n;
}

/* The transcript takes the ciphertext, hashed before out (which may be in)
 * is written; h changes only when the message authenticates. */
static long ss_decrypt_and_hash(struct noise_ss *ss, const uint8_t *in, size_t len, uint8_t *out)
{
	struct noise_ss next = *ss;
	size_t hl = hash_len(ss->hash);
	ss_mix_hash(&next, in, len);
	long n = noise_cs_decrypt(&ss->cs, ss->h, hl, in, len, out);
	if (n >= 0)
		memcpy(ss->h, next.h, hl);
	sodium_memzero(&next, sizeof next);
	return n;
}

/* ---- pattern names (spec §7, §9, §18) --------------------------------- */

struct pattern_def {
	const char *name, *pre_i, *pre_r;   /* pre-messages: "", "e", "s" */
	const char *msg[NOISE_MSGS_MAX];    /* tokens, blank-separated */
};

static const struct pattern_def patterns[] = {
	{"N", "", "s", {"e es"}},
	{"K", "s", "s", {"e es ss"}},
	{"X", "", "s", {"e es s ss"}},
	{"NN", "", "", {"e", "e ee"}},
	{"NK", "", "s", {"e es", "e ee"}},
	{"NX", "", "", {"e", "e ee s es"}},
	{"KN", "s", "", {"e", "e ee se"}},
	{"KK", "s", "s", {"e es ss", "e ee se"}},
	{"KX", "s", "", {"e", "e ee se s es"}},
	{"XN", "", "", {"e", "e ee", "s se"}},
	{"XK", "", "s", {"e es", "e ee", "s se"}},
	{"XX", "", "", {"e", "e ee s es", "s se"}},
	{"IN", "", "", {"e s", "e ee se"}},
	{"IK", "", "s", {"e es s ss", "e ee se"}},
	{"IX", "", "", {"e s", "e ee se s es"}},
	{"NK1", "", "s", {"e", "e ee es"}},
	{"NX1", "", "", {"e", "e ee s", "es"}},
	{"X1N", "", "", {"e", "e ee", "s", "se"}},
	{"X1K", "", "s", {"e es", "e ee", "s", "se"}},
	{"XK1", "", "s", {"e", "e ee es", "s se"}},
	{"X1K1", "", "s", {"e", "e ee es", "s", "se"}},
	{"X1X", "", "", {"e", "e ee s es", "s", "se"}},
	{"XX1", "", "", {"e", "e ee s", "es s se"}},
	{"X1X1", "", "", {"e", "e ee s", "es s", "se"}},
	{"K1N", "s", "", {"e", "e ee", "se"}},
	{"K1K", "s", "s", {"e es", "e ee", "se"}},
	{"KK1", "s", "s", {"e", "e ee se es"}},
	{"K1K1", "s", "s", {"e", "e ee es", "se"}},
	{"K1X", "s", "", {"e", "e ee s es", "se"}},
	{"KX1", "s", "", {"e", "e ee se s", "es"}},
	{"K1X1", "s", "", {"e", "e ee s", "se es"}},
	{"I1N", "", "", {"e s", "e ee", "se"}},
	{"I1K", "", "s", {"e es s", "e ee", "se"}},
	{"IK1", "", "s", {"e s", "e ee se es"}},
	{"I1K1", "", "s", {"e s", "e ee es", "se"}},
	{"I1X", "", "", {"e s", "e ee s es", "se"}},
	{"IX1", "", "", {"e s", "e ee se s", "es"}},
	{"I1X1", "", "", {"e s", "e ee s", "se es"}},
};

static int tok_of(const char *w, size_t n)
{
	static const char *const names[] = {"e", "s", "ee", "es", "se", "ss", "psk"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && memcmp(names[i], w, n) == 0)
			return (int)i + 1;
	return 0;
}

static void compile_msg(const char *s, uint8_t *tok, uint8_t *ntok)
{
	while (*s) {
		size_t n = strcspn(s, " ");
		tok[(*ntok)++] = (uint8_t)tok_of(s, n);
		s += n + (s[n] == ' ');
	}
}

/* The pattern part of a name, with its modifiers "psk0+psk2". */
static int parse_pattern(const char *s, size_t len, struct noise_protocol *p, struct errbuf *e)
{
	const struct pattern_def *d = NULL;
	size_t base = 0;
	for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
		size_t n = strlen(patterns[i].name);
		if (n <= len && n > base && memcmp(patterns[i].name, s, n) == 0 &&
		    (n == len || s[n] == 'p')) {
			d = &patterns[i];
			base = n;
		}
	}
	if (!d) {
		errbuf_set(e, "unknown handshake pattern '%.*s'", (int)len, s);
		return -1;
	}
	p->npre[0] = 0;
	p->npre[1] = 0;
	compile_msg(d->pre_i, p->pre[0], &p->npre[0]);
	compile_msg(d->pre_r, p->pre[1], &p->npre[1]);
	for (p->nmsg = 0; p->nmsg < NOISE_MSGS_MAX && d->msg[p->nmsg]; p->nmsg++)
		compile_msg(d->msg[p->nmsg], p->tok[p->nmsg], &p->ntok[p->nmsg]);
	p->one_way = p->nmsg == 1 && strlen(d->name) == 1;
	for (size_t at = base; at < len;) {
		size_t n = strcspn(s + at, "+");
		if (n > len - at)
			n = len - at;
		unsigned m;
		char *end;
		if (n < 4 || memcmp(s + at, "psk", 3) != 0 || s[at + 3] < '0' || s[at + 3] > '9')
			goto bad;
		m = (unsigned)strtoul(s + at + 3, &end, 10);
		if (end != s + at + n || m > p->nmsg || p->npsk >= NOISE_PSK_MAX)
			goto bad;
		unsigned i = m == 0 ? 0 : m - 1;
		if (p->ntok[i] >= NOISE_TOKS_MAX)
			goto bad;
		if (m == 0) {
			memmove(p->tok[0] + 1, p->tok[0], p->ntok[0]);
			p->tok[0][0] = T_PSK;
			p->ntok[0]++;
		} else {
			p->tok[i][p->ntok[i]++] = T_PSK;
		}
		p->npsk++;
		at += n + 1;
		if (at == len)
			goto bad;  /* a trailing '+' */
	}
	return 0;
bad:
	errbuf_set(e, "bad pattern modifier in '%.*s'", (int)len, s);
	return -1;
}

int noise_protocol_parse(const char *name, struct noise_protocol *p, struct errbuf *e)
{
	memset(p, 0, sizeof *p);
	size_t len = strlen(name);
	if (len >= sizeof p->name || strncmp(name, "Noise_", 6) != 0) {
		errbuf_set(e, "not a Noise protocol name");
		return -1;
	}
	memcpy(p->name, name, len + 1);
	const char *f[4];
	size_t fl[4];
	const char *s = name + 6;
	for (int i = 0; i < 4; i++) {
		size_t n = strcspn(s, "_");
		if ((i < 3) != (s[n] == '_')) {
			errbuf_set(e, "a Noise protocol name has five parts");
			return -1;
		}
		f[i] = s;
		fl[i] = n;
		s += n + (i < 3);
	}
	if (fl[1] != 5 || memcmp(f[1], "25519", 5) != 0) {
		errbuf_set(e, "unsupported DH '%.*s'", (int)fl[1], f[1]);
		return -1;
	}
	if (fl[2] == 10 && memcmp(f[2], "ChaChaPoly", 10) == 0) {
		p->cipher = NOISE_CHACHAPOLY;
	} else if (fl[2] == 6 && memcmp(f[2], "AESGCM", 6) == 0) {
		if (sodium_init() < 0 || !crypto_aead_aes256gcm_is_available()) {
			errbuf_set(e, "AESGCM needs hardware AES, which this CPU lacks");
			return -1;
		}
		p->cipher = NOISE_AESGCM;
	} else {
		errbuf_set(e, "unsupported cipher '%.*s'", (int)fl[2], f[2]);
		return -1;
	}
	if (strcmp(f[3], "SHA256") == 0) {
		p->hash = NOISE_SHA256;
	} else if (strcmp(f[3], "SHA512") == 0) {
		p->hash = NOISE_SHA512;
	} else if (strcmp(f[3], "BLAKE2b") == 0) {
		p->hash = NOISE_BLAKE2B;
	} else {
		errbuf_set(e, "unsupported hash '%s'", f[3]);
		return -1;
	}
	return parse_pattern(f[0], fl[0], p, e);
}

/* ---- HandshakeState (spec §5.3) --------------------------------------- */

struct noise_hs {
	struct noise_protocol p;
	struct noise_ss ss;
	bool initiator, failed;
	unsigned msg, psk_next;
	uint8_t s[NOISE_KEYLEN], spub[NOISE_KEYLEN];
	uint8_t e[NOISE_KEYLEN], epub[NOISE_KEYLEN];
	uint8_t rs[NOISE_KEYLEN], re[NOISE_KEYLEN];
	bool has_s, has_e, has_rs, has_re;
	uint8_t psk[NOISE_PSK_MAX][NOISE_KEYLEN];
};

int noise_keypair(uint8_t priv[NOISE_KEYLEN], uint8_t pub[NOISE_KEYLEN], bool pub_only)
{
	if (sodium_init() < 0)
		return -1;
	if (!pub_only)
		randombytes_buf(priv, NOISE_KEYLEN);
	return crypto_scalarmult_base(pub, priv);
}

/* Pre-message public keys are hashed in the order the pattern gives. */
static int hs_premessages(struct noise_hs *hs, struct errbuf *e)
{
	for (int side = 0; side < 2; side++) {
		bool ours = (side == 0) == hs->initiator;
		for (unsigned i = 0; i < hs->p.npre[side]; i++) {
			if (hs->p.pre[side][i] != T_S) {
				errbuf_set(e, "an ephemeral pre-message is not supported");
				return -1;
			}
			if (ours ? !hs->has_s : !hs->has_rs) {
				errbuf_set(e, "%s needs %s static key in advance", hs->p.name,
					   ours ? "our" : "the peer's");
				return -1;
			}
			ss_mix_hash(&hs->ss, ours ? hs->spub : hs->rs, NOISE_KEYLEN);
		}
	}
	return 0;
}

struct noise_hs *noise_hs_new(const struct noise_protocol *p, bool initiator,
			      const struct noise_keys *k, struct errbuf *e)
{
	if (sodium_init() < 0) {
		errbuf_set(e, "libsodium does not initialise");
		return NULL;
	}
	if (k->npsk != p->npsk) {
		errbuf_set(e, "%s takes %u pre-shared keys, not %zu", p->name, p->npsk, k->npsk);
		return NULL;
	}
	struct noise_hs *hs = xcalloc(1, sizeof *hs);
	hs->p = *p;
	hs->initiator = initiator;
	if (k->s) {
		memcpy(hs->s, k->s, NOISE_KEYLEN);
		hs->has_s = noise_keypair(hs->s, hs->spub, true) == 0;
	}
	if (k->e) {
		memcpy(hs->e, k->e, NOISE_KEYLEN);
		hs->has_e = noise_keypair(hs->e, hs->epub, true) == 0;
	}
	if (k->rs) {
		memcpy(hs->rs, k->rs, NOISE_KEYLEN);
		hs->has_rs = true;
	}
	for (size_t i = 0; i < k->npsk; i++)
		memcpy(hs->psk[i], k->psk[i], NOISE_KEYLEN);
	ss_init(&hs->ss, p);
	ss_mix_hash(&hs->ss, k->prologue, k->prologue_len);
	if (hs_premessages(hs, e) < 0) {
		noise_hs_free(hs);
		return NULL;
	}
	return hs;
}

void noise_hs_free(struct noise_hs *hs)
{
	if (!hs)
		return;
	sodium_memzero(hs, sizeof *hs);
	free(hs);
}

bool noise_hs_writing(const struct noise_hs *hs)
{
	return !noise_hs_done(hs) && (hs->msg % 2 == 0) == hs->initiator;
}

bool noise_hs_done(const struct noise_hs *hs)
{
	return hs->msg >= hs->p.nmsg;
}

/* A DH token: which of our keys meets which of the peer's. */
static int hs_dh(struct noise_hs *hs, int t, struct errbuf *e)
{
	/* ee: e·re; ss: s·rs; es: initiator e·rs, responder s·re; se: the mirror. */
	bool our_e = t == T_EE || (t == T_ES && hs->initiator) || (t == T_SE && !hs->initiator);
	bool their_e = t == T_EE || (t == T_ES && !hs->initiator) || (t == T_SE && hs->initiator);
	uint8_t out[NOISE_KEYLEN];
	if ((our_e ? !hs->has_e : !hs->has_s) || (their_e ? !hs->has_re : !hs->has_rs)) {
		errbuf_set(e, "handshake is missing a key");
		return -1;
	}
	if (crypto_scalarmult(out, our_e ? hs->e : hs->s, their_e ? hs->re : hs->rs) != 0) {
		errbuf_set(e, "peer's public key is invalid (low order)");
		return -1;
	}
	ss_mix_key(&hs->ss, out, sizeof out);
	sodium_memzero(out, sizeof out);
	return 0;
}

static int hs_token_common(struct noise_hs *hs, int t, struct errbuf *e)
{
	if (t == T_PSK) {
		ss_mix_key_and_hash(&hs->ss, hs->psk[hs->psk_next++], NOISE_KEYLEN);
		return 0;
	}
	return hs_dh(hs, t, e);
}

long noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
		    size_t cap, struct errbuf *e)
{
	if (hs->failed || !noise_hs_writing(hs)) {
		errbuf_set(e, "not our turn to write a handshake message");
		return -1;
	}
	const uint8_t *tok = hs->p.tok[hs->msg];
	size_t at = 0, room = cap < NOISE_MSG_MAX ? cap : NOISE_MSG_MAX;
	for (unsigned i = 0; i < hs->p.ntok[hs->msg]; i++) {
		bool key = tok[i] == T_E || tok[i] == T_S;
		if (key && room - at < NOISE_KEYLEN + NOISE_TAGLEN)
			goto full;
		if (tok[i] == T_E) {
			if (!hs->has_e)
				hs->has_e = noise_keypair(hs->e, hs->epub, false) == 0;
			memcpy(out + at, hs->epub, NOISE_KEYLEN);
			at += NOISE_KEYLEN;
			ss_mix_hash(&hs->ss, hs->epub, NOISE_KEYLEN);
			if (hs->p.npsk)
				ss_mix_key(&hs->ss, hs->epub, NOISE_KEYLEN);
		} else if (tok[i] == T_S) {
			if (!hs->has_s) {
				errbuf_set(e, "%s needs our static key", hs->p.name);
				goto fail;
			}
			at += (size_t)ss_encrypt_and_hash(&hs->ss, hs->spub, NOISE_KEYLEN, out + at);
		} else if (hs_token_common(hs, tok[i], e) < 0) {
			goto fail;
		}
	}
	if (plen > room || room - plen < at + NOISE_TAGLEN)
		goto full;
	long n = ss_encrypt_and_hash(&hs->ss, payload, plen, out + at);
	if (n < 0)
		goto full;
	hs->msg++;
	return (long)at + n;
full:
	errbuf_set(e, "handshake message would exceed %zu bytes", room);
fail:
	hs->failed = true;
	return -1;
}

long noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
		   struct errbuf *e)
{
	if (hs->failed || noise_hs_done(hs) || noise_hs_writing(hs)) {
		errbuf_set(e, "not expecting a handshake message");
		return -1;
	}
	const uint8_t *tok = hs->p.tok[hs->msg];
	size_t at = 0;
	if (len > NOISE_MSG_MAX)
		goto short_msg;
	for (unsigned i = 0; i < hs->p.ntok[hs->msg]; i++) {
		if (tok[i] == T_E) {
			if (len - at < NOISE_KEYLEN)
				goto short_msg;
			memcpy(hs->re, msg + at, NOISE_KEYLEN);
			hs->has_re = true;
			at += NOISE_KEYLEN;
			ss_mix_hash(&hs->ss, hs->re, NOISE_KEYLEN);
			if (hs->p.npsk)
				ss_mix_key(&hs->ss, hs->re, NOISE_KEYLEN);
		} else if (tok[i] == T_S) {
			size_t n = NOISE_KEYLEN + (hs->ss.cs.has_k ? NOISE_TAGLEN : 0);
			if (len - at < n)
				goto short_msg;
			if (ss_decrypt_and_hash(&hs->ss, msg + at, n, hs->rs) < 0)
				goto bad;
			hs->has_rs = true;
			at += n;
		} else if (hs_token_common(hs, tok[i], e) < 0) {
			goto fail;
		}
	}
	size_t rest = len - at;
	if (hs->ss.cs.has_k && rest < NOISE_TAGLEN)
		goto short_msg;
	size_t need = rest - (hs->ss.cs.has_k ? NOISE_TAGLEN : 0);
	if (need > cap) {
		errbuf_set(e, "handshake payload of %zu bytes exceeds %zu", need, cap);
		goto fail;
	}
	long n = ss_decrypt_and_hash(&hs->ss, msg + at, rest, out);
	if (n < 0)
		goto bad;
	hs->msg++;
	return n;
short_msg:
	errbuf_set(e, "handshake message %u has a wrong length (%zu bytes)", hs->msg + 1, len);
	goto fail;
bad:
	errbuf_set(e, "handshake message %u does not authenticate", hs->msg + 1);
fail:
	hs->failed = true;
	return -1;
}

int noise_hs_split(struct noise_hs *hs, struct noise_cs *send, struct noise_cs *recv)
{
	if (hs->failed || !noise_hs_done(hs)) {
		errno = EINVAL;
		return -1;
	}
	uint8_t k1[NOISE_HASHLEN_MAX], k2[NOISE_HASHLEN_MAX];
	hkdf(hs->ss.hash, hs->ss.ck, NULL, 0, k1, k2, NULL);
	memset(send, 0, sizeof *send);
	memset(recv, 0, sizeof *recv);
	send->cipher = recv->cipher = hs->p.cipher;
	cs_init_key(send, hs->initiator ? k1 : k2);
	cs_init_key(recv, hs->initiator ? k2 : k1);
	sodium_memzero(k1, sizeof k1);
	sodium_memzero(k2, sizeof k2);
	return 0;
}

size_t noise_hs_hash(const struct noise_hs *hs, uint8_t out[NOISE_HASHLEN_MAX])
{
	size_t hl = hash_len(hs->ss.hash);
	memcpy(out, hs->ss.h, hl);
	return hl;
}

const uint8_t *noise_hs_remote_static(const struct noise_hs *hs)
{
	return hs->has_rs ? hs->rs : NULL;
}
