/* relay.c — moving a running command's streams over the connection
 * (docs/PROTOCOL.md §3): one poll loop over the connection, the command's
 * three pipes (all non-blocking, all ours) and a self-pipe for SIGCHLD and
 * SIGTERM. Flow control means this loop never has to stop reading the
 * connection, so SIGNAL frames always get through. */
#include "daemon.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void send_ctl(struct relay *r, uint8_t type, uint8_t chan)
{
	rconn_send_msg(r->c, type, chan, NULL, 0, false);
}

static void close_in(struct relay *r)
{
	if (r->fd_in >= 0)
		close(r->fd_in);
	r->fd_in = -1;
}

/* Grant the client what the command took since the last grant. */
static void grant0_send(struct relay *r)
{
	uint8_t b[4];
	rp_put32(b, r->ungranted0);
	rconn_send_msg(r->c, RP_WINDOW_T, 0, b, 4, false);
	r->recv_credit0 += r->ungranted0;
	r->ungranted0 = 0;
}

static void grant0(struct relay *r, size_t n)
{
	r->ungranted0 += (uint32_t)n;
	if (r->ungranted0 >= RP_WINDOW / 4)
		grant0_send(r);
}

/* The command's stdin reader is gone: tell the client, drop what waits. */
static void stdin_broken(struct relay *r)
{
	close_in(r);
	grant0(r, rqueue_clear(&r->qin));
	send_ctl(r, RP_CLOSE, 0);
}

static void stdin_data(struct relay *r, const uint8_t *p, size_t n)
{
	r->bytes[0] += n;
	if (r->fd_in < 0) {
		grant0(r, n);
		return;
	}
	size_t done = 0;
	if (!r->qin.bytes) {
		ssize_t w = rp_write_some(r->fd_in, p, n);
		if (w < 0) {
			grant0(r, n);
			stdin_broken(r);
			return;
		}
		done = (size_t)w;
	}
	rqueue_push(&r->qin, p + done, n - done);
	grant0(r, done);
}

static void stdin_drain(struct relay *r)
{
	size_t done = 0;
	if (r->fd_in >= 0 && rqueue_drain(&r->qin, r->fd_in, &done) < 0) {
		grant0(r, done);
		stdin_broken(r);
		return;
	}
	grant0(r, done);
	if (r->in_eof && !r->qin.bytes)
		close_in(r);
}

static bool signal_ok(int sig)
{
	static const int ok[] = {1, 2, 3, 9, 10, 12, 14, 15, 18, 19, 28};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		if (ok[i] == sig)
			return true;
	return false;
}

static int on_frame(struct relay *r, const struct rframe *f, struct errbuf *e)
{
	if (rframe_check(f, false, e) < 0)
		return -1;
	r->last_recv = now_ns();
	switch (f->type) {
	case RP_DATA:
		if (f->len > r->recv_credit0) {
			errbuf_set(e, "data beyond the flow-control window");
			return -1;
		}
		r->recv_credit0 -= (uint32_t)f->len;
		stdin_data(r, f->payload, f->len);
		return 0;
	case RP_EOF:
		r->in_eof = true;
		stdin_drain(r);
		return 0;
	case RP_CLOSE:
		if (r->fd_out[f->chan] >= 0)
			close(r->fd_out[f->chan]);
		r->fd_out[f->chan] = -1;
		return 0;
	case RP_WINDOW_T: {
		uint32_t inc = rp_get32(f->payload);
		if (inc > RP_WINDOW_LIMIT - r->credit[f->chan]) {
			errbuf_set(e, "flow-control window overflow");
			return -1;
		}
		r->credit[f->chan] += inc;
		return 0;
	}
	case RP_SIGNAL: {
		int sig = f->payload[0];
		if (signal_ok(sig) && !r->reaped)
			kill(-r->pid, sig);
		if (sig == SIGSTOP)
			r->stopped = true;
		else if (sig == SIGCONT)
			r->stopped = false;
		return 0;
	}
	default:
		errbuf_set(e, "unexpected frame type %u", f->type);
		return -1;
	}
}

/* Read the connection (unless do_read is false: frames already buffered
 * with the handshake) and handle its frames; -1 when it is lost or broke
 * the protocol. */
static int conn_input(struct relay *r, bool do_read, const char **why)
{
	static struct errbuf e;
	ssize_t n = do_read ? rconn_read(r->c) : 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	struct rframe f;
	int k;
	while ((k = rconn_next(r->c, &f, &e)) == 1) {
		if (on_frame(r, &f, &e) < 0) {
			k = -1;
			break;
		}
	}
	if (k < 0) {
		*why = e.msg;
		return -1;
	}
	if (n <= 0) {
		*why = "connection lost";
		return -1;
	}
	return 0;
}

/* The command's stdout or stderr is readable. */
static void out_input(struct relay *r, int ch)
{
	size_t max = r->credit[ch] < RP_PAYLOAD_MAX ? r->credit[ch] : RP_PAYLOAD_MAX;
	ssize_t n = read(r->fd_out[ch], rconn_payload_buf(r->c), max);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		rconn_send(r->c, RP_DATA, (uint8_t)ch, (size_t)n, false);
		r->credit[ch] -= (uint32_t)n;
		r->bytes[ch] += (uint64_t)n;
		return;
	}
	close(r->fd_out[ch]);
	r->fd_out[ch] = -1;
	send_ctl(r, RP_EOF, (uint8_t)ch);
}

/* SIGCHLD or SIGTERM arrived; -1 on SIGTERM (the daemon is stopping). */
static int signals_input(struct relay *r)
{
	unsigned char b[64];
	ssize_t n;
	bool term = false;
	while ((n = read(r->sigr, b, sizeof b)) > 0)
		for (ssize_t i = 0; i < n; i++)
			term |= b[i] == SIGTERM;
	if (!r->reaped && waitpid(r->pid, &r->wstatus, WNOHANG) == r->pid)
		r->reaped = true;
	return term ? -1 : 0;
}

enum { P_SIG, P_CONN, P_CONNW, P_IN, P_OUT1, P_OUT2, P__N };

static int poll_setup(struct relay *r, struct pollfd *p)
{
	bool same = r->rfd == r->wfd;
	short wev = rconn_pending(r->c) ? POLLOUT : 0;
	bool room = rconn_pending(r->c) < RP_RECORD_MAX_CRYPTO;
	p[P_SIG] = (struct pollfd){.fd = r->sigr, .events = POLLIN};
	p[P_CONN] = (struct pollfd){.fd = r->rfd, .events = (short)(POLLIN | (same ? wev : 0))};
	p[P_CONNW] = (struct pollfd){.fd = same || !wev ? -1 : r->wfd, .events = wev};
	p[P_IN] = (struct pollfd){.fd = r->qin.bytes ? r->fd_in : -1, .events = POLLOUT};
	for (int ch = 1; ch <= 2; ch++) {
		bool want = r->fd_out[ch] >= 0 && r->credit[ch] > 0 && room;
		p[P_OUT1 + ch - 1] = (struct pollfd){.fd = want ? r->fd_out[ch] : -1, .events = POLLIN};
	}
	if (r->stopped || !r->idle_timeout)
		return -1;
	uint64_t idle = (uint64_t)r->idle_timeout * 1000000000u, since = now_ns() - r->last_recv;
	return since >= idle ? 0 : (int)((idle - since) / 1000000u) + 1;
}

int relay_run(struct relay *r, const char **why)
{
	struct pollfd p[P__N];
	r->last_recv = now_ns();
	if (conn_input(r, false, why) < 0)
		return -1;
	while (!r->reaped || r->fd_out[1] >= 0 || r->fd_out[2] >= 0) {
		if (rconn_flush(r->c) < 0) {
			*why = "connection lost";
			return -1;
		}
		int timeout = poll_setup(r, p);
		int n = poll(p, P__N, timeout);
		if (n < 0 && errno != EINTR) {
			*why = "poll failed";
			return -1;
		}
		if (n == 0 && timeout == 0) {
			*why = "idle timeout";
			return -1;
		}
		if (n <= 0)
			continue;
		if (p[P_SIG].revents && signals_input(r) < 0) {
			*why = "daemon stopping";
			return -1;
		}
		if ((p[P_CONN].revents & (POLLIN | POLLHUP | POLLERR)) && conn_input(r, true, why) < 0)
			return -1;
		if (p[P_CONNW].revents & (POLLHUP | POLLERR)) {
			*why = "connection lost";
			return -1;
		}
		if (p[P_IN].revents)
			stdin_drain(r);
		for (int ch = 1; ch <= 2; ch++)
			if (p[P_OUT1 + ch - 1].revents && r->fd_out[ch] >= 0)
				out_input(r, ch);
	}
	close_in(r);
	/* What the command took since the last grant (grants go by quarter
	 * windows): granted now, so the client's count of what reached the
	 * command is exact when it hears the exit. */
	if (r->ungranted0)
		grant0_send(r);
	uint8_t ex[2];
	if (WIFSIGNALED(r->wstatus)) {
		ex[0] = 1;
		ex[1] = (uint8_t)WTERMSIG(r->wstatus);
	} else {
		ex[0] = 0;
		ex[1] = (uint8_t)WEXITSTATUS(r->wstatus);
	}
	rconn_send_msg(r->c, RP_EXIT, 0, ex, 2, true);
	return 0; /* the caller flushes */
}

void relay_kill_group(struct relay *r)
{
	kill(-r->pid, SIGHUP);
	kill(-r->pid, SIGCONT);
	uint64_t deadline = now_ns() + 2000000000u;
	for (;;) {
		if (!r->reaped && waitpid(r->pid, &r->wstatus, WNOHANG) == r->pid)
			r->reaped = true;
		if (r->reaped && kill(-r->pid, 0) < 0 && errno == ESRCH)
			return;
		if (now_ns() >= deadline)
			break;
		struct timespec ts = {0, 20000000};
		nanosleep(&ts, NULL);
	}
	kill(-r->pid, SIGKILL);
	while (!r->reaped && waitpid(r->pid, &r->wstatus, 0) < 0 && errno == EINTR) { }
	r->reaped = true;
}
