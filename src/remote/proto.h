/* proto.h — the remote-stage wire protocol (docs/PROTOCOL.md): records,
 * frames, the EXEC codec, the connection buffer layer and the handshake.
 *
 * Shared by the client (src/remote/client.c) and ipcshd (src/daemon/).
 * Nothing here prints: errors come back in a struct errbuf.
 */
#ifndef IPCSH_REMOTE_PROTO_H
#define IPCSH_REMOTE_PROTO_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "noise.h"

#define RP_VERSION 2
#define RP_PORT_DEFAULT "7433"
#define RP_PAYLOAD_MAX 262144u             /* frame payload bound */
#define RP_FRAME_HDR 2u                     /* type, chan */
#define RP_ABYTES 16u                      /* AEAD tag (NOISE_TAGLEN) */
#define RP_RECORD_MAX_CLEAR (RP_FRAME_HDR + RP_PAYLOAD_MAX)
#define RP_RECORD_MAX_CRYPTO (RP_ABYTES + RP_FRAME_HDR + RP_PAYLOAD_MAX)
#define RP_WINDOW 2097152u                 /* initial credit per stream */
#define RP_WINDOW_LIMIT 0x80000000u        /* credit never exceeds this */
#define RP_ARGC_MAX 4096u
#define RP_ENVC_MAX 1024u
#define RP_ERROR_TEXT_MAX 1024u
#define RP_KEEPALIVE_SEC 30
#define RP_KEY_BYTES 32u                   /* an X25519 key */

enum rp_type {
	RP_EXEC = 1, RP_DATA, RP_EOF, RP_CLOSE, RP_WINDOW_T, RP_SIGNAL, RP_EXIT, RP_ERROR,
};

/* RP_MODE_NOISE: TCP, Noise_XX with static keys on both sides; RP_MODE_CLEAR:
 * stdio under ssh, which authenticates and encrypts. */
enum rp_mode { RP_MODE_NOISE = 1, RP_MODE_CLEAR = 2 };

/* The cipher offer (a bit set in the client hello) and choice (one bit). */
enum rp_cipher { RP_CIPHER_CHACHAPOLY = 1, RP_CIPHER_AESGCM = 2 };

enum rp_refusal {
	RP_REFUSE_BUSY = 1, RP_REFUSE_AUTH, RP_REFUSE_VERSION, RP_REFUSE_MODE, RP_REFUSE_PROTOCOL,
	RP_REFUSE_RETRY, /* too many handshakes at once: try again shortly */
	RP_REFUSE_CIPHER, /* no cipher of the offer is available here */
};

/* One decoded frame. payload points into the connection's buffers and
 * stays valid until the next rconn_read()/rconn_feed()/rconn_next(). */
struct rframe {
	uint8_t type, chan;
	const uint8_t *payload;
	size_t len;
};

/* Check a frame's type, channel and payload size for its direction
 * (from_server: sent by ipcshd). Returns 0, or -1 with e set. */
int rframe_check(const struct rframe *f, bool from_server, struct errbuf *e) WUR;

/* Big-endian helpers. */
uint32_t rp_get32(const uint8_t *p);
void rp_put32(uint8_t *p, uint32_t v);

/* ---- EXEC -------------------------------------------------------------- */

/* A decoded EXEC: heap strings, arrays NULL-terminated. */
struct rexec {
	size_t argc, envc;
	char **argv;
	char **env;
};

/* Is s[0..n) an acceptable "NAME=value" assignment (a shell name, not LD_*)? */
bool rp_assign_ok(const char *s, size_t n);
/* Encode argv/env (NULL-terminated; env may be NULL) into buf[cap].
 * Returns 0 and *len, or -1 with e set (a bound exceeded, a bad assignment). */
int rexec_encode(uint8_t *buf, size_t cap, char *const *argv, char *const *env, size_t *len,
		 struct errbuf *e) WUR;
/* Decode an EXEC payload, checking every bound before use. Returns 0, or
 * -1 with e set; *x is then empty. Free with rexec_free(). */
int rexec_decode(const uint8_t *p, size_t len, struct rexec *x, struct errbuf *e) WUR;
void rexec_free(struct rexec *x);

/* ---- connection: records over an fd pair --------------------------------- */

struct rconn;

/* A connection reading rfd and writing wfd (the same fd for a socket).
 * Starts in handshake (clear) mode. The fds are not owned. */
struct rconn *rconn_new(int rfd, int wfd);
/* NULL-safe; wipes key material. */
void rconn_free(struct rconn *c);
/* After the handshake: frames in clear (stdio) ... */
void rconn_set_clear(struct rconn *c);
/* ... or encrypted with the Noise transport CipherStates (copied; the
 * caller wipes its own). */
void rconn_set_crypto(struct rconn *c, const struct noise_cs *tx, const struct noise_cs *rx);

/* Read what is available into the input buffer (one read()). Returns the
 * byte count, 0 at EOF, -1 with errno (EAGAIN when nothing is there). */
ssize_t rconn_read(struct rconn *c) WUR;
/* Append bytes to the input buffer (tests, fuzzing). Returns the number
 * taken (less than n when the buffer is full: call rconn_next first). */
size_t rconn_feed(struct rconn *c, const uint8_t *p, size_t n);
/* The next frame from the buffered input: 1 and *f, 0 when more bytes are
 * needed, -1 with e set on a bad length, authentication failure, or a frame
 * after the final one. */
int rconn_next(struct rconn *c, struct rframe *f, struct errbuf *e) WUR;
/* Handshake: the next clear record of at most max bytes: 1 with *body and *len,
 * 0 when more bytes are needed, -1 with e set when too long. */
int rconn_next_raw(struct rconn *c, size_t max, const uint8_t **body, size_t *len,
		   struct errbuf *e) WUR;
/* Has the peer's final frame (EXIT/ERROR) been received? */
bool rconn_got_final(const struct rconn *c);
/* Input bytes moved within the buffer to make room (tests: streaming with
 * rconn_read() moves none; see in_read_limit() in conn.c). */
uint64_t rconn_bytes_moved(const struct rconn *c);

/* Where the caller may put up to RP_PAYLOAD_MAX bytes of the next frame's
 * payload (reading from an fd straight into it); then call rconn_send with
 * no other rconn call between. */
uint8_t *rconn_payload_buf(struct rconn *c);
/* Queue a frame whose payload (len bytes) is in rconn_payload_buf().
 * final: the server's last frame. */
void rconn_send(struct rconn *c, uint8_t type, uint8_t chan, size_t len, bool final);
/* Queue a frame with a copied payload (small control frames). */
void rconn_send_msg(struct rconn *c, uint8_t type, uint8_t chan, const void *p, size_t len,
		    bool final);
/* Queue a clear record (handshake). */
void rconn_send_raw(struct rconn *c, const uint8_t *body, size_t len);
/* Bytes queued and not yet written. */
size_t rconn_pending(const struct rconn *c);
/* Write queued bytes: as much as the fd takes. Returns 0 (maybe still
 * pending), -1 with errno on a write error (EAGAIN is not an error). */
int rconn_flush(struct rconn *c) WUR;
/* Write everything queued, waiting until deadline (a now_ns() value; 0: no
 * deadline). Returns 0, or -1 with errno (ETIMEDOUT, EINTR on a signal). */
int rconn_flush_wait(struct rconn *c, uint64_t deadline) WUR;
/* Wait for the next clear record (handshake) of at most max bytes. Returns
 * 1 and the record, 0 at EOF, -1 with e set and errno (ETIMEDOUT, EINTR on
 * a signal, EPROTO on a bad length, or the read error). */
int rconn_wait_raw(struct rconn *c, size_t max, uint64_t deadline, const uint8_t **body,
		   size_t *len, struct errbuf *e) WUR;
/* Take out queued bytes without writing them (tests, fuzzing). */
size_t rconn_take_output(struct rconn *c, uint8_t *buf, size_t cap);

/* ---- handshake (docs/PROTOCOL.md §2) --------------------------------------- */

#define RHS_HDR 8u                          /* magic, ver_min, ver_max, mode, role */
#define RHS_HELLO_NOISE (RHS_HDR + 1 + 32)  /* + cipher offer, e */
#define RHS_ANSWER_NOISE (RHS_HDR + 1 + 96) /* + cipher, Noise message 2 */
#define RHS_FINISH_NOISE 64u                /* Noise message 3 */
#define RHS_REFUSAL 9u
#define RHS_MAX 128u
#define RHS_PROLOGUE_MAX (RHS_HELLO_NOISE + RHS_HDR + 1)

/* Results of the client's check of the server's answer. */
enum rhs_result {
	RHS_OK = 0, RHS_E_AUTH = -1, RHS_E_BUSY = -2, RHS_E_VERSION = -3, RHS_E_PROTO = -4,
	RHS_E_RETRY = -5,
};

/* One side of a handshake. Plain data but for hs; rhs_wipe() frees it. */
struct rhs {
	uint8_t role, mode;
	uint8_t offer;                     /* client: RP_CIPHER_* bits offered */
	uint8_t cipher;                    /* the choice, once made */
	uint8_t s[RP_KEY_BYTES];           /* our static private key (Noise mode) */
	uint8_t e[RP_KEY_BYTES], epub[RP_KEY_BYTES]; /* client: the ephemeral of the hello */
	uint8_t prologue[RHS_PROLOGUE_MAX];
	size_t nprologue;
	uint8_t rs[RP_KEY_BYTES];          /* the peer's static public key, once known */
	char protocol[NOISE_NAME_MAX];     /* the Noise protocol name, once chosen */
	struct noise_hs *hs;
	struct noise_cs tx, rx;            /* after the last message */
};

/* The ciphers this machine can offer or choose: ChaChaPoly always,
 * AESGCM with hardware AES (libsodium's crypto_aead_aes256gcm_is_available). */
uint8_t rhs_ciphers_local(void);
/* Start a handshake as 'C' or 'S' in mode RP_MODE_*. s is our static
 * private key (NULL in clear mode); offer the client's cipher set (0: all
 * of rhs_ciphers_local()). */
void rhs_init(struct rhs *h, uint8_t role, uint8_t mode, const uint8_t *s, uint8_t offer);
/* Wipe secrets and free the Noise state. */
void rhs_wipe(struct rhs *h);
/* Client: write the hello into out[RHS_MAX]; returns its length. */
size_t rhs_client_hello(struct rhs *h, uint8_t *out);
/* Server: check the hello; on success write the answer (choice and Noise
 * message 2) into out and return 0. On failure return -1 with e set and
 * out/outlen holding the refusal to send. */
int rhs_server_hello(struct rhs *h, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
		     struct errbuf *e) WUR;
/* Client: check the answer (or a refusal); on success h->rs holds the
 * server's static key (its identity: check it before sending anything),
 * out the last message (Noise message 3; outlen 0 in clear mode), and
 * RHS_OK is returned, else an RHS_E_* with e set. */
int rhs_client_finish(struct rhs *h, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
		      struct errbuf *e) WUR;
/* Server, Noise mode: check message 3. Returns 0 with h->rs the client's
 * static key (not yet authorised: that is the caller's), or -1 with e set. */
int rhs_server_finish(struct rhs *h, const uint8_t *in, size_t len, struct errbuf *e) WUR;
/* After a successful handshake: switch the connection to frames. */
void rhs_install(struct rhs *h, struct rconn *c);
/* Build a refusal record body (RHS_REFUSAL bytes) into out. */
void rhs_refusal(uint8_t *out, uint8_t mode, uint8_t code);
/* "AES-256-GCM" or "ChaCha20-Poly1305" for an RP_CIPHER_* value. */
const char *rhs_cipher_name(uint8_t cipher);

/* ---- output queues: stream bytes waiting for a local fd ------------------ */

struct rchunk;
/* Bytes that a local fd (a pipe to the command, or the client's stdout)
 * did not take yet. Zero-initialise to use. */
struct rqueue {
	struct rchunk *head, *tail;
	size_t bytes;
};
/* Append a copy of p[0..n). */
void rqueue_push(struct rqueue *q, const uint8_t *p, size_t n);
/* Write queued bytes to fd until it would block or a signal arrives. Adds
 * what was written to *done. Returns 0, or -1 with errno (EPIPE...). */
int rqueue_drain(struct rqueue *q, int fd, size_t *done) WUR;
/* Drop everything; returns the number of bytes dropped. */
size_t rqueue_clear(struct rqueue *q);
/* Write as much of p[0..n) as fd takes now: a blocking fd until done or a
 * signal, a non-blocking one until EAGAIN. Returns the count written
 * (possibly 0), or -1 with errno when nothing could be written. */
ssize_t rp_write_some(int fd, const uint8_t *p, size_t n) WUR;

/* ---- targets ------------------------------------------------------------- */

/* A parsed `@` target (SPEC §9). */
struct rtarget {
	bool ssh;
	char *host;     /* TCP: host or address (no brackets); ssh: [user@]host */
	char *port;     /* TCP: decimal port */
};
/* Parse "host", "host:port", "[v6]:port", "[v6]", "v6addr", "ssh:[user@]host".
 * Returns 0, or -1 with e set. Free with rtarget_free(). */
int rtarget_parse(const char *s, struct rtarget *t, struct errbuf *e) WUR;
void rtarget_free(struct rtarget *t);

#endif
