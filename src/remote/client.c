/* client.c — the client side of a remote stage (SPEC §9, docs/PROTOCOL.md):
 * an ordinary stage process that streams fd 0 to the remote command and
 * its stdout/stderr back to fds 1/2, forwarding signals.
 *
 * One poll loop. Signal handlers only write the signal number into a
 * self-pipe. The connection is non-blocking; fds 0/1/2 are left as they
 * were given (they may be shared with other processes, so we never set
 * O_NONBLOCK on them): fd 0 is read only after poll says so, and writes to
 * fds 1/2 may block, which is harmless because the daemon never blocks on
 * us (flow control, §3.2) and a signal interrupts the write.
 */
#include "noise.h"
#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dial.h"
#include "proto.h"
#include "trust.h"

#define HANDSHAKE_MS 15000
#define HANDSHAKE_RETRY (-2) /* client_handshake_once: refused, try again */
#define STATUS_FAIL 255
#define CLIENT_PIPE_SIZE (1u << 20)

struct client {
	const char *name;         /* "@target" for messages */
	const struct remote_stage *rs;
	struct rconn *c;
	int rfd, wfd;
	pid_t ssh_pid;
	bool started;             /* EXEC sent */
	bool in_open;             /* still reading fd 0 */
	bool out_open[3];         /* fds 1 and 2 still take data */
	bool eof_seen[3];
	struct rqueue q[3];
	uint32_t credit0;         /* stdin bytes we may still send */
	uint32_t recv_credit[3];  /* stdout/stderr bytes the daemon may still send */
	uint32_t ungranted[3];    /* written out, not yet granted back */
	int status;               /* -1 until EXIT or ERROR */
	uint64_t last_send;
};

static int sig_wfd = -1;

static void on_signal(int sig)
{
	int e = errno;
	unsigned char b = (unsigned char)sig;
	if (write(sig_wfd, &b, 1) < 0) { /* pipe full: signals are coalesced anyway */ }
	errno = e;
}

/* Catch the signals we forward, unless they were ignored when we started
 * (a background job of a non-interactive shell keeps ignoring SIGINT). */
static int signals_install(int *rfd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	/* Never on 0-2, which this stage may have closed (`<&-`). */
	if ((p[0] = fd_move_high(p[0])) < 0 || (p[1] = fd_move_high(p[1])) < 0)
		return -1;
	*rfd = p[0];
	sig_wfd = p[1];
	struct sigaction sa = {.sa_handler = on_signal}, old;
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT};
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN &&
		    sigs[i] != SIGCONT)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}

static void send_ctl(struct client *cl, uint8_t type, uint8_t chan, const void *p, size_t n)
{
	rconn_send_msg(cl->c, type, chan, p, n, false);
	cl->last_send = now_ns();
}

static void send_signal(struct client *cl, int sig)
{
	uint8_t b = (uint8_t)sig;
	send_ctl(cl, RP_SIGNAL, 0, &b, 1);
}

/* n more bytes of channel ch were passed on: grant them back to the daemon
 * once they add up to a quarter of the window (docs/PROTOCOL.md §3.2). */
static void grant(struct client *cl, int ch, size_t n)
{
	cl->ungranted[ch] += (uint32_t)n;
	if (cl->ungranted[ch] >= RP_WINDOW / 4) {
		uint8_t b[4];
		rp_put32(b, cl->ungranted[ch]);
		send_ctl(cl, RP_WINDOW_T, (uint8_t)ch, b, 4);
		cl->recv_credit[ch] += cl->ungranted[ch];
		cl->ungranted[ch] = 0;
	}
}

/* Handle the signals that arrived; returns a status to end with before the
 * command started (nothing ran remotely), or -1 to go on. */
static int signals_handle(struct client *cl, int sigr)
{
	unsigned char b[64];
	ssize_t n;
	while ((n = read(sigr, b, sizeof b)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			int sig = b[i];
			if (!cl->started) {
				if (sig == SIGTSTP)
					kill(getpid(), SIGSTOP);
				else if (sig != SIGCONT)
					return 128 + sig;
				continue;
			}
			if (sig == SIGTSTP) {
				/* Stop the remote command first, then ourselves. */
				send_signal(cl, SIGSTOP);
				if (rconn_flush_wait(cl->c, now_ns() + 2000000000u) < 0) { /* lost: seen later */ }
				kill(getpid(), SIGSTOP);
			} else {
				send_signal(cl, sig);
			}
		}
	}
	return -1;
}

/* Pass stream bytes to fd 1 or 2; an EPIPE tells the daemon to stop. */
static void out_write(struct client *cl, int ch, const uint8_t *p, size_t n)
{
	if (!cl->out_open[ch]) {
		grant(cl, ch, n);
		return;
	}
	size_t done = 0;
	if (!cl->q[ch].bytes) {
		ssize_t w = rp_write_some(ch, p, n);
		if (w < 0) {
			cl->out_open[ch] = false;
			send_ctl(cl, RP_CLOSE, (uint8_t)ch, NULL, 0);
			grant(cl, ch, n);
			return;
		}
		done = (size_t)w;
	}
	rqueue_push(&cl->q[ch], p + done, n - done);
	grant(cl, ch, done);
}

static void out_drain(struct client *cl, int ch)
{
	size_t done = 0;
	if (rqueue_drain(&cl->q[ch], ch, &done) < 0) {
		cl->out_open[ch] = false;
		send_ctl(cl, RP_CLOSE, (uint8_t)ch, NULL, 0);
		done += rqueue_clear(&cl->q[ch]);
	}
	grant(cl, ch, done);
	/* The remote command closed its stdout: so do we, for the next stage.
	 * fd 2 stays: our own messages go there. */
	if (ch == 1 && cl->eof_seen[ch] && !cl->q[ch].bytes && cl->out_open[ch]) {
		cl->out_open[ch] = false;
		close(ch);
	}
}

/* Length of the valid UTF-8 sequence at p[0..n) (2 to 4 bytes, shortest
 * form, no surrogate), its code point in *cp; 0 when it is not one. */
static size_t utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
	size_t len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	if (!len || p[0] > 0xf4 || len > n)
		return 0;
	uint32_t c = p[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters a terminal acts on rather than shows: C1 controls (U+0080 to
 * U+009F: CSI 0x9b is ESC [ to many terminals) and the bidirectional
 * controls that make text display in another order than it reads (CVE-2021-42574). */
static bool is_control_cp(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Print an ERROR's text, keeping printable ASCII and valid UTF-8 other than
 * control characters: the daemon is not trusted with our terminal (ESC, C1,
 * bidi overrides and stray bytes become '?'). */
static void print_remote_error(const struct client *cl, const struct rframe *f)
{
	struct strbuf sb = {0};
	for (size_t i = 1; i < f->len;) {
		uint8_t ch = f->payload[i];
		uint32_t cp;
		size_t n = ch >= 0x80 ? utf8_seq(f->payload + i, f->len - i, &cp) : 0;
		if (n && !is_control_cp(cp)) {
			sb_add(&sb, (const char *)f->payload + i, n);
			i += n;
			continue;
		}
		sb_addc(&sb, ch >= 0x20 && ch < 0x7f ? (char)ch : '?');
		i += n ? n : 1;
	}
	msg_err("%s: %s", cl->name, sb.buf ? sb.buf : "remote error");
	sb_free(&sb);
}

/* One frame from the daemon; -1 on a protocol violation (e set). */
static int on_frame(struct client *cl, const struct rframe *f, struct errbuf *e)
{
	if (rframe_check(f, true, e) < 0)
		return -1;
	switch (f->type) {
	case RP_DATA:
		if (f->len > cl->recv_credit[f->chan]) {
			errbuf_set(e, "data beyond the flow-control window");
			return -1;
		}
		cl->recv_credit[f->chan] -= (uint32_t)f->len;
		out_write(cl, f->chan, f->payload, f->len);
		break;
	case RP_EOF:
		cl->eof_seen[f->chan] = true;
		out_drain(cl, f->chan);
		break;
	case RP_CLOSE:
		if (cl->in_open)
			close(0);
		cl->in_open = false;
		break;
	case RP_WINDOW_T: {
		uint32_t inc = rp_get32(f->payload);
		if (inc > RP_WINDOW_LIMIT - cl->credit0) {
			errbuf_set(e, "flow-control window overflow");
			return -1;
		}
		cl->credit0 += inc;
		break;
	}
	case RP_EXIT:
		cl->status = f->payload[0] == 0 ? f->payload[1] : 128 + f->payload[1];
		break;
	case RP_ERROR:
		print_remote_error(cl, f);
		cl->status = f->payload[0];
		break;
	}
	return 0;
}

/* Read the connection and handle its frames; -1 when it failed (reported). */
static int conn_input(struct client *cl, bool do_read)
{
	struct errbuf e = {{0}};
	ssize_t n = do_read ? rconn_read(cl->c) : 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	struct rframe f;
	int r = 0;
	while (cl->status < 0 && (r = rconn_next(cl->c, &f, &e)) == 1) {
		if (on_frame(cl, &f, &e) < 0)
			r = -1;
		if (r < 0)
			break;
	}
	if (cl->status >= 0)
		return 0;
	if (r < 0) {
		msg_err("%s: protocol error: %s", cl->name, e.msg);
		return -1;
	}
	if (n <= 0) {
		if (n < 0)
			msg_err("%s: connection lost: %s", cl->name, strerror(errno));
		else
			msg_err("%s: connection lost", cl->name);
		return -1;
	}
	return 0;
}

/* fd 0 is readable: send what it has, within the window. */
static void stdin_input(struct client *cl)
{
	size_t max = cl->credit0 < RP_PAYLOAD_MAX ? cl->credit0 : RP_PAYLOAD_MAX;
	ssize_t n = read(0, rconn_payload_buf(cl->c), max);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		rconn_send(cl->c, RP_DATA, 0, (size_t)n, false);
		cl->credit0 -= (uint32_t)n;
		cl->last_send = now_ns();
		return;
	}
	cl->in_open = false;
	send_ctl(cl, RP_EOF, 0, NULL, 0);
}

enum { P_SIG, P_CONN, P_CONNW, P_IN, P_OUT1, P_OUT2, P__N };

/* Build the poll set; returns the poll timeout (keepalive). */
static int poll_setup(struct client *cl, int sigr, struct pollfd *p)
{
	bool same = cl->rfd == cl->wfd;
	short wev = rconn_pending(cl->c) ? POLLOUT : 0;
	p[P_SIG] = (struct pollfd){.fd = sigr, .events = POLLIN};
	p[P_CONN] = (struct pollfd){.fd = cl->rfd, .events = (short)(POLLIN | (same ? wev : 0))};
	p[P_CONNW] = (struct pollfd){.fd = same || !wev ? -1 : cl->wfd, .events = wev};
	bool want_in = cl->in_open && cl->credit0 > 0 &&
		       rconn_pending(cl->c) < RP_RECORD_MAX_CRYPTO;
	p[P_IN] = (struct pollfd){.fd = want_in ? 0 : -1, .events = POLLIN};
	p[P_OUT1] = (struct pollfd){.fd = cl->q[1].bytes ? 1 : -1, .events = POLLOUT};
	p[P_OUT2] = (struct pollfd){.fd = cl->q[2].bytes ? 2 : -1, .events = POLLOUT};
	uint64_t since = now_ns() - cl->last_send;
	uint64_t ka = (uint64_t)RP_KEEPALIVE_SEC * 1000000000u;
	return since >= ka ? 0 : (int)((ka - since) / 1000000u) + 1;
}

/* fds 0 and 1, when they are pipes of the default 64 KiB (another shell's
 * pipeline): ask for 1 MiB, as ipcsh's own pipes have. A frame then takes
 * one read and one write instead of four of each and the poll rounds in
 * between (remote `cat` of 1 GiB under bash: 2.60-3.01 CPU-seconds per GB
 * before, 2.51-2.57 after, interleaved in one run). Quietly left as they
 * are past the per-user pipe budget; the pipes go, and the budget comes
 * back, with the pipeline. */
static void client_grow_pipes(void)
{
	for (int fd = 0; fd <= 1; fd++) {
		int cur = fcntl(fd, F_GETPIPE_SZ);
		if (cur > 0 && cur < (int)CLIENT_PIPE_SIZE &&
		    fcntl(fd, F_SETPIPE_SZ, (int)CLIENT_PIPE_SIZE) < 0) { /* keep it */ }
	}
}

/* Run the session after EXEC was queued; returns the stage status. */
static int client_loop(struct client *cl, int sigr)
{
	struct pollfd p[P__N];
	client_grow_pipes();
	if (conn_input(cl, false) < 0)
		return STATUS_FAIL;
	while (cl->status < 0) {
		if (rconn_flush(cl->c) < 0) {
			msg_err("%s: connection lost: %s", cl->name, strerror(errno));
			return STATUS_FAIL;
		}
		int timeout = poll_setup(cl, sigr, p);
		int n = poll(p, P__N, timeout);
		if (n < 0 && errno != EINTR) {
			msg_errno("%s: cannot poll", cl->name);
			return STATUS_FAIL;
		}
		/* A keepalive lets the daemon tell a quiet client from a lost one. */
		if (now_ns() - cl->last_send >= (uint64_t)RP_KEEPALIVE_SEC * 1000000000u)
			send_ctl(cl, RP_WINDOW_T, 1, "\0\0\0\0", 4);
		if (n <= 0)
			continue;
		if (p[P_SIG].revents)
			(void)signals_handle(cl, sigr);
		if ((p[P_CONN].revents & (POLLIN | POLLHUP | POLLERR)) && conn_input(cl, true) < 0)
			return STATUS_FAIL;
		if (p[P_IN].revents && cl->in_open && cl->status < 0)
			stdin_input(cl);
		for (int ch = 1; ch <= 2; ch++)
			if (p[P_OUT1 + ch - 1].revents)
				out_drain(cl, ch);
	}
	return cl->status;
}

/* Which ciphers to offer: $IPCSH_CIPHERS ("aesgcm", "chachapoly" or both,
 * comma-separated) narrows what this machine has; unset, all of it. */
static uint8_t cipher_offer(void)
{
	const char *v = getenv("IPCSH_CIPHERS");
	if (!v || !*v)
		return 0;
	uint8_t o = 0;
	for (const char *p = v; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");
		if (n == 6 && !strncmp(p, "aesgcm", 6))
			o |= RP_CIPHER_AESGCM;
		else if (n == 10 && !strncmp(p, "chachapoly", 10))
			o |= RP_CIPHER_CHACHAPOLY;
		p += n;
	}
	/* Nothing we know: offer nothing usable rather than everything. */
	return o ? o : 0x80;
}

/* Open the transport (TCP with our key loaded, or ssh) and start the
 * handshake state. Returns 0, or -1 with e set. */
static int client_open(struct client *cl, const struct rtarget *t, const char *keyfile,
		       struct rhs *hs, struct errbuf *e)
{
	if (t->ssh) {
		if (rdial_ssh(t, &cl->rfd, &cl->wfd, &cl->ssh_pid, e) < 0)
			return -1;
		rhs_init(hs, 'C', RP_MODE_CLEAR, NULL, 0);
		return 0;
	}
	uint8_t key[RP_KEY_BYTES];
	if (trust_load_identity(keyfile, key, e) < 0 ||
	    (cl->rfd = cl->wfd = rdial_tcp(t, HANDSHAKE_MS, e)) < 0) {
		sodium_memzero(key, sizeof key);
		return -1;
	}
	rhs_init(hs, 'C', RP_MODE_NOISE, key, cipher_offer());
	sodium_memzero(key, sizeof key);
	return 0;
}

/* The server proved it holds the private half of hs->rs: is that the
 * host's pinned key? Also the -x line. 0, or -1 (reported). */
static int client_check_host(struct client *cl, const struct rtarget *t, const struct rhs *hs)
{
	if (hs->mode != RP_MODE_NOISE)
		return 0;
	if (trust_check_host(cl->name, t->host, t->port, hs->rs, cl->rs->accept_new_host) < 0)
		return -1;
	if (cl->rs->trace) {
		char fp[KEY_FP_MAX];
		key_fingerprint(hs->rs, fp);
		fprintf(stderr, "+ %s: %s (%s, %s), host key %s\n", cl->name,
			rhs_cipher_name(hs->cipher), hs->protocol, noise_aead_library(), fp);
	}
	return 0;
}

/* Wait for the server's answer to our hello; a signal before it arrives
 * ends the stage (*status set). 1 with the record, 0 at EOF, -1 with e set. */
static int client_wait_answer(struct client *cl, int sigr, uint64_t deadline,
			      const uint8_t **body, size_t *len, int *status, struct errbuf *e)
{
	int r;
	while ((r = rconn_flush_wait(cl->c, deadline)) < 0 && errno == EINTR)
		if ((*status = signals_handle(cl, sigr)) >= 0)
			return -1;
	if (r < 0) {
		errbuf_set(e, "connection lost during the handshake: %s", strerror(errno));
		return -1;
	}
	while ((r = rconn_wait_raw(cl->c, RHS_MAX, deadline, body, len, e)) < 0 && errno == EINTR)
		if ((*status = signals_handle(cl, sigr)) >= 0)
			return -1;
	return r;
}

/* Connect (TCP or ssh) and authenticate; returns -1 to go on, or a status. */
static int client_handshake_once(struct client *cl, const struct rtarget *t,
				 const char *keyfile, int sigr, bool last)
{
	struct errbuf e = {{0}};
	struct rhs hs;
	if (client_open(cl, t, keyfile, &hs, &e) < 0) {
		msg_err("%s: %s", cl->name, e.msg);
		return STATUS_FAIL;
	}
	cl->c = rconn_new(cl->rfd, cl->wfd);
	/* Over ssh, a password or host-key prompt may take any time. */
	uint64_t deadline = t->ssh ? 0 : now_ns() + (uint64_t)HANDSHAKE_MS * 1000000u;
	uint8_t out[RHS_MAX];
	size_t outlen = rhs_client_hello(&hs, out);
	rconn_send_raw(cl->c, out, outlen);
	const uint8_t *body;
	size_t len;
	int status = -1;
	int r = client_wait_answer(cl, sigr, deadline, &body, &len, &status, &e);
	if (r == 0)
		errbuf_set(&e, "connection closed during the handshake%s",
			   t->ssh ? " (is ipcshd installed there? see IPCSH_REMOTE_CMD)" : "");
	int hr = r == 1 ? rhs_client_finish(&hs, body, len, out, &outlen, &e) : RHS_E_PROTO;
	if (r == 1 && hr == RHS_OK) {
		/* Nothing more goes out (not our identity, not EXEC) to a
		 * host whose key is not the pinned one. */
		if (client_check_host(cl, t, &hs) < 0) {
			rhs_wipe(&hs);
			return STATUS_FAIL;
		}
		if (outlen)
			rconn_send_raw(cl->c, out, outlen);
		rhs_install(&hs, cl->c);
		rhs_wipe(&hs);
		return -1;
	}
	rhs_wipe(&hs);
	if (status >= 0)
		return status;
	if (r == 1 && hr == RHS_E_RETRY && !last)
		return HANDSHAKE_RETRY;
	msg_err("%s: %s", cl->name, e.msg);
	return STATUS_FAIL;
}

/* The handshake, tried again when the daemon says it is busy with other
 * handshakes (its random early drop, sshd's MaxStartups): after about
 * 50, 100, 200, 400 ms, each with jitter. Returns -1 to go on or a status. */
static int client_handshake(struct client *cl, const struct rtarget *t, const char *keyfile,
			    int sigr)
{
	enum { TRIES = 5 };
	for (unsigned i = 0;; i++) {
		int st = client_handshake_once(cl, t, keyfile, sigr, i + 1 == TRIES);
		if (st != HANDSHAKE_RETRY)
			return st;
		rconn_free(cl->c);
		cl->c = NULL;
		close(cl->rfd);
		cl->rfd = cl->wfd = -1;
		int ms = (int)((25u << i) + randombytes_uniform(50u << i));
		uint64_t until = now_ns() + (uint64_t)ms * 1000000u;
		for (uint64_t now; (now = now_ns()) < until;) {
			struct pollfd p = {.fd = sigr, .events = POLLIN};
			if (poll(&p, 1, (int)((until - now) / 1000000u) + 1) > 0 &&
			    (st = signals_handle(cl, sigr)) >= 0)
				return st;
		}
	}
}

/* Send EXEC; returns -1 to go on or a status. */
static int client_exec(struct client *cl, const struct remote_stage *rs)
{
	struct errbuf e = {{0}};
	size_t len;
	if (rexec_encode(rconn_payload_buf(cl->c), RP_PAYLOAD_MAX, rs->argv, rs->assigns, &len,
			 &e) < 0) {
		msg_err("%s: %s", cl->name, e.msg);
		return STATUS_FAIL;
	}
	rconn_send(cl->c, RP_EXEC, 0, len, false);
	cl->started = true;
	cl->last_send = now_ns();
	return -1;
}

/* Write out what is still queued for fds 1/2, blocking. */
static void client_finish_output(struct client *cl)
{
	for (int ch = 1; ch <= 2; ch++) {
		size_t done = 0;
		while (cl->out_open[ch] && cl->q[ch].bytes) {
			if (rqueue_drain(&cl->q[ch], ch, &done) < 0)
				break;
		}
		rqueue_clear(&cl->q[ch]);
	}
}

static void client_close(struct client *cl)
{
	if (cl->c && rconn_flush_wait(cl->c, now_ns() + 1000000000u) < 0) { /* best effort */ }
	rconn_free(cl->c);
	if (cl->rfd >= 0)
		close(cl->rfd);
	if (cl->wfd >= 0 && cl->wfd != cl->rfd)
		close(cl->wfd);
	if (cl->ssh_pid > 0) {
		int st;
		while (waitpid(cl->ssh_pid, &st, 0) < 0 && errno == EINTR) { }
	}
}

int remote_stage_run(const struct remote_stage *rs)
{
	struct client cl = {.rfd = -1, .wfd = -1, .ssh_pid = -1, .in_open = true,
			    .out_open = {false, true, true}, .status = -1,
			    .credit0 = RP_WINDOW, .recv_credit = {0, RP_WINDOW, RP_WINDOW}};
	char *name = xasprintf("@%s", rs->target);
	cl.name = name;
	cl.rs = rs;
	struct rtarget t;
	struct errbuf e = {{0}};
	int sigr = -1, status;
	if (sodium_init() < 0) {
		msg_err("%s: cannot initialise libsodium", name);
		free(name);
		return STATUS_FAIL;
	}
	if (!rs->argv || !rs->argv[0]) {
		msg_err("%s: no command to run", name);
		free(name);
		return STATUS_FAIL;
	}
	if (rtarget_parse(rs->target, &t, &e) < 0) {
		msg_err("%s: %s", name, e.msg);
		free(name);
		return STATUS_FAIL;
	}
	if (signals_install(&sigr) < 0) {
		msg_errno("%s: cannot set up signals", name);
		status = STATUS_FAIL;
	} else if ((status = client_handshake(&cl, &t, rs->keyfile, sigr)) < 0 &&
		   (status = client_exec(&cl, rs)) < 0) {
		status = client_loop(&cl, sigr);
		client_finish_output(&cl);
	}
	client_close(&cl);
	rtarget_free(&t);
	free(name);
	return status;
}
