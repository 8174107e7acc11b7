/* noise.h — the Noise Protocol Framework (revision 34), on libsodium.
 *
 * DH 25519; ciphers ChaChaPoly and AESGCM (AESGCM only where libsodium
 * has it: crypto_aead_aes256gcm_is_available()); hashes SHA256, SHA512 and
 * BLAKE2b, with HMAC and HKDF as the specification defines them. Every
 * handshake pattern of the specification's §7 and §18 (fundamental and
 * deferred, one-way and interactive) and the pskN modifiers.
 *
 * The three objects are the specification's: a CipherState (struct
 * noise_cs, plain data, embeddable in a connection), the SymmetricState
 * (inside the handshake) and the HandshakeState (opaque, struct noise_hs).
 * Checked against the cacophony and snow test vectors by
 * tests/unit/test_noise.c. Nothing here prints; errors come back in a
 * struct errbuf. Secrets are wiped by noise_hs_free() and noise_cs_wipe().
 */
#ifndef IPCSH_REMOTE_NOISE_H
#define IPCSH_REMOTE_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

#define NOISE_KEYLEN 32u         /* a 25519 key, public or private; a cipher key */
#define NOISE_TAGLEN 16u         /* AEAD tag */
#define NOISE_HASHLEN_MAX 64u
#define NOISE_MSG_MAX 65535u     /* the specification's message bound */
#define NOISE_PSK_MAX 4u
#define NOISE_MSGS_MAX 4u        /* handshake messages in the longest pattern */
#define NOISE_TOKS_MAX 8u        /* tokens in one message, psks included */
#define NOISE_NAME_MAX 64u

enum noise_cipher { NOISE_CHACHAPOLY = 1, NOISE_AESGCM };
enum noise_hash { NOISE_SHA256 = 1, NOISE_SHA512, NOISE_BLAKE2B };

/* A compiled protocol name such as "Noise_XXpsk3_25519_AESGCM_SHA256". */
struct noise_protocol {
	char name[NOISE_NAME_MAX];
	uint8_t cipher, hash;          /* enum noise_cipher, enum noise_hash */
	uint8_t npre[2];               /* pre-message tokens: [0] initiator's, [1] responder's */
	uint8_t pre[2][2];
	uint8_t nmsg;                  /* handshake messages; even index: initiator's */
	uint8_t ntok[NOISE_MSGS_MAX];
	uint8_t tok[NOISE_MSGS_MAX][NOISE_TOKS_MAX];
	uint8_t npsk;                  /* psk tokens: 0 without a psk modifier */
	bool one_way;                  /* N, K, X: only the initiator sends */
};

/* Parse a protocol name. Returns 0, or -1 with e set: an unknown pattern,
 * DH, cipher or hash (448 and BLAKE2s are not provided), a malformed
 * modifier, or AESGCM where the CPU lacks it. */
int noise_protocol_parse(const char *name, struct noise_protocol *p, struct errbuf *e) WUR;

/* CipherState. k is used only when has_k. */
struct noise_cs {
	uint8_t k[NOISE_KEYLEN];
	uint64_t n;
	bool has_k;
	uint8_t cipher;
};

/* Which library seals and opens records: "OpenSSL" (libcrypto, loaded at
 * the first use, in the default build) or "libsodium" (CRYPTO=sodium, no
 * libcrypto.so.3, or IPCSH_AEAD=sodium). */
const char *noise_aead_library(void);

/* EncryptWithAd: writes len (+ NOISE_TAGLEN with a key) bytes to out, which
 * may be in; returns that length, or -1 (nonce exhausted). */
long noise_cs_encrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen,
		      const uint8_t *in, size_t len, uint8_t *out) WUR;
/* DecryptWithAd: returns the plaintext length, or -1 when the message does
 * not authenticate (the nonce is then not advanced) or is shorter than a tag. */
long noise_cs_decrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen,
		      const uint8_t *in, size_t len, uint8_t *out) WUR;
/* Rekey() of the specification. */
void noise_cs_rekey(struct noise_cs *cs);
void noise_cs_wipe(struct noise_cs *cs);

/* What a party brings to a handshake. Pointers may be NULL where the
 * pattern does not need the key; e is for tests (fixed ephemerals) and for
 * an initiator that sent its first message (e alone) before the protocol
 * name was known (src/remote/handshake.c): NULL
 * makes a fresh one. */
struct noise_keys {
	const uint8_t *s;              /* our static private key */
	const uint8_t *rs;             /* the peer's static public key, known in advance */
	const uint8_t *e;              /* our ephemeral private key, when already made */
	const uint8_t (*psk)[NOISE_KEYLEN];
	size_t npsk;
	const uint8_t *prologue;
	size_t prologue_len;
};

struct noise_hs;

/* A HandshakeState for p as initiator or responder. NULL with e set when a
 * key the pattern needs is missing or a psk count does not match. */
struct noise_hs *noise_hs_new(const struct noise_protocol *p, bool initiator,
			      const struct noise_keys *k, struct errbuf *e) WUR;
void noise_hs_free(struct noise_hs *hs);

/* True when it is our turn to write. */
bool noise_hs_writing(const struct noise_hs *hs);
/* True when every handshake message has been written or read. */
bool noise_hs_done(const struct noise_hs *hs);

/* WriteMessage: the next handshake message carrying payload into out (cap
 * bytes). Returns its length, or -1 with e set. */
long noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t plen,
		    uint8_t *out, size_t cap, struct errbuf *e) WUR;
/* ReadMessage: checks and takes the peer's next handshake message; the
 * payload goes to out (cap bytes). Returns the payload length, or -1 with e
 * set; after a failure the handshake is dead (every later call fails). */
long noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len,
		   uint8_t *out, size_t cap, struct errbuf *e) WUR;

/* After the last message: the transport CipherStates, ours to send with
 * and ours to receive with (Split, assigned by role). 0, or -1 if not done. */
int noise_hs_split(struct noise_hs *hs, struct noise_cs *send, struct noise_cs *recv) WUR;
/* The handshake hash h (channel binding); returns its length. */
size_t noise_hs_hash(const struct noise_hs *hs, uint8_t out[NOISE_HASHLEN_MAX]);
/* The peer's static public key once received or given, else NULL. */
const uint8_t *noise_hs_remote_static(const struct noise_hs *hs);

/* A key pair: priv random (or given in priv when pub_only), pub = priv·G. */
int noise_keypair(uint8_t priv[NOISE_KEYLEN], uint8_t pub[NOISE_KEYLEN], bool pub_only) WUR;

#endif
