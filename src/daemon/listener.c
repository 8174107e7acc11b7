/* listener.c — ipcshd's listening socket and the loop that admits
 * connections and forks one process per session (SPEC §9, man/ipcshd.8).
 *
 * Unauthenticated clients must never take the slots of authenticated ones,
 * so a connection passes three stages, each with its own limit:
 *
 *   waiting  accepted, held here as a bare fd until its client hello (the
 *            first record: 45 bytes) has arrived. It costs an
 *            fd and 100-odd bytes, no process. At most waiting_max at once
 *            (the oldest is closed for a new one); closed when the hello has
 *            not come within --hello-timeout.
 *   startup  forked, in the handshake, not yet authenticated: at most FULL
 *            of --max-startups START:RATE:FULL, beyond START refused with a
 *            probability rising from RATE % to 100 % (sshd's MaxStartups
 *            random early drop), and at most --max-startups-per-source from
 *            one address. Refused clients are told to retry.
 *   session  authenticated: the session process asked for a slot over its
 *            control socket after the handshake; at most --max-sessions.
 *
 * Refusals here are logged at most LOG_BURST a second, the next line saying
 * how many were left out, so that a flood of connections cannot flood the
 * log too.
 */
#include "daemon.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO_LEN (4 + RHS_HELLO_NOISE)

/* s into buf[n], cut to fit (numeric addresses always fit ours). */
static void copy_trunc(char *buf, size_t n, const char *s)
{
	size_t k = strlen(s);
	if (k >= n)
		k = n - 1;
	memcpy(buf, s, k);
	buf[k] = '\0';
}

/* "ADDR:PORT" of a socket address, IPv6 in brackets, into peer; the bare
 * address into host (when not NULL). */
static void format_addr(const struct sockaddr *sa, socklen_t len, char *peer, size_t npeer,
			char *host, size_t nhost)
{
	char h[NI_MAXHOST], serv[NI_MAXSERV];
	if (getnameinfo(sa, len, h, sizeof h, serv, sizeof serv,
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(h, sizeof h, "?");
		snprintf(serv, sizeof serv, "?");
	}
	char full[NI_MAXHOST + NI_MAXSERV + 4];
	snprintf(full, sizeof full, strchr(h, ':') ? "[%s]:%s" : "%s:%s", h, serv);
	copy_trunc(peer, npeer, full);
	if (host)
		copy_trunc(host, nhost, h);
}

/* Bind and listen on spec ("ADDR:PORT", "[ADDR]:PORT", "ADDR"); shown gets
 * the address actually bound. Returns the socket or -1 (reported). */
int listener_open(const char *spec, char *shown, size_t shown_len)
{
	char *host, *port;
	const char *colon = strrchr(spec, ':');
	if (spec[0] == '[' && strchr(spec, ']')) {
		const char *close = strchr(spec, ']');
		host = xstrndup(spec + 1, (size_t)(close - spec - 1));
		port = xstrdup(close[1] == ':' ? close + 2 : RP_PORT_DEFAULT);
	} else if (colon && strchr(spec, ':') == colon) {
		host = xstrndup(spec, (size_t)(colon - spec));
		port = xstrdup(colon + 1);
	} else {
		host = xstrdup(spec);
		port = xstrdup(RP_PORT_DEFAULT);
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	int rc = 0, fd = -1;
	size_t plen = strlen(port);
	/* getaddrinfo would take 99999 as 34463. */
	if (plen < 1 || plen > 5 || strspn(port, "0123456789") != plen || atol(port) > 65535)
		msg_err("--listen %s: bad port '%s' (0 to 65535)", spec, port);
	else if ((rc = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0) {
		msg_err("--listen %s: %s", spec, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	} else if (res) {
		fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		int one = 1;
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
		    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
			msg_errno("cannot listen on %s", spec);
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
	}
	if (fd >= 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			format_addr((struct sockaddr *)&ss, len, shown, shown_len, NULL, 0);
		else
			snprintf(shown, shown_len, "%s", spec);
	}
	if (res)
		freeaddrinfo(res);
	free(host);
	free(port);
	return fd;
}

/* A connection waiting for its client hello. */
struct waiting {
	int fd;
	uint64_t since;
	char peer[80], host[64];
	uint8_t hello[HELLO_LEN];
	size_t got;
};

/* A forked session process. ctl: our end of its control socket, -1 once
 * it got its answer (or closed). */
struct child {
	pid_t pid;
	int ctl;
	bool authed;
	char host[64];
};

struct server {
	const struct dconf *cf;
	int lfd, sigr;
	struct waiting *w;
	size_t nw, wmax;
	struct child *ch;
	size_t nch, chcap;
	unsigned startups, sessions;   /* children not yet / already authenticated */
	bool backoff;                  /* accept failed for lack of fds or memory */
	uint64_t log_at;               /* start of this second of refusal lines */
	unsigned logged;               /* lines written in it */
	unsigned long unlogged;        /* refusals left out since the last line */
};

/* One line per refusal, at most LOG_BURST a second (see the top of the
 * file): the next line written says how many were left out. */
#define LOG_BURST 10
static void note_refusal(struct server *sv, const char *peer, const char *why)
{
	if (!sv->cf->log)
		return;
	uint64_t now = now_ns();
	if (now - sv->log_at >= 1000000000u) {
		sv->log_at = now;
		sv->logged = 0;
	}
	if (sv->logged >= LOG_BURST) {
		sv->unlogged++;
		return;
	}
	sv->logged++;
	if (sv->unlogged)
		msg_err("%s: refused: %s (%lu refusals before this one not logged)", peer, why,
			sv->unlogged);
	else
		msg_err("%s: refused: %s", peer, why);
	sv->unlogged = 0;
}

/* Send a refusal record and close at once: never leave a refused
 * connection open (socat advisory 4). */
static void refuse(struct server *sv, int fd, uint8_t code, const char *peer, const char *why)
{
	uint8_t rec[4 + RHS_REFUSAL];
	rp_put32(rec, RHS_REFUSAL);
	rhs_refusal(rec + 4, RP_MODE_NOISE, code);
	if (send(fd, rec, sizeof rec, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) { /* best effort */ }
	close(fd);
	note_refusal(sv, peer, why);
}

static void waiting_drop(struct server *sv, size_t i)
{
	close(sv->w[i].fd);
	sv->w[i] = sv->w[--sv->nw];
}

static void reap(struct server *sv)
{
	pid_t pid;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		for (size_t i = 0; i < sv->nch; i++) {
			struct child *c = &sv->ch[i];
			if (c->pid != pid)
				continue;
			if (c->authed)
				sv->sessions--;
			else
				sv->startups--;
			if (c->ctl >= 0)
				close(c->ctl);
			*c = sv->ch[--sv->nch];
			break;
		}
	}
}

/* The session process asked for a session slot ('A', after the handshake
 * authenticated its client): answer 'Y' or 'N'. Anything else, or EOF: it
 * is ending; reap() counts it out. */
static void child_ctl(struct server *sv, struct child *c)
{
	char b = 0;
	ssize_t n = read(c->ctl, &b, 1);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 1 && b == 'A' && !c->authed) {
		bool ok = sv->sessions < sv->cf->max_sessions;
		if (ok) {
			c->authed = true;
			sv->startups--;
			sv->sessions++;
		} else if (sv->cf->log) {
			msg_err("refused an authenticated client: busy (%u sessions)", sv->sessions);
		}
		if (write(c->ctl, ok ? "Y" : "N", 1) < 0) { /* it died: reaped soon */ }
	}
	close(c->ctl);
	c->ctl = -1;
}

/* In the forked session process: close every fd that belongs to another
 * connection, or the parent closing it would not end that connection. */
static void child_forget(struct server *sv, size_t keep)
{
	close(sv->lfd);
	daemon_signals_forget(sv->sigr);
	for (size_t j = 0; j < sv->nw; j++)
		if (j != keep)
			close(sv->w[j].fd);
	for (size_t j = 0; j < sv->nch; j++)
		if (sv->ch[j].ctl >= 0)
			close(sv->ch[j].ctl);
}

/* Fork the session for waiting connection i (removed from the list). */
static void start_session(struct server *sv, size_t i)
{
	struct waiting *w = &sv->w[i];
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		msg_errno("%s: cannot create a control socket", w->peer);
		waiting_drop(sv, i);
		return;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		child_forget(sv, i);
		/* A session does not outlive its daemon. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(1);
		struct session_start st = {.pre = w->hello, .npre = w->got, .ctl = sp[1]};
		_exit(session_serve(sv->cf, w->fd, w->fd, RP_MODE_NOISE, w->peer, &st));
	}
	close(sp[1]);
	if (pid < 0) {
		msg_errno("%s: cannot fork a session", w->peer);
		close(sp[0]);
	} else {
		if (sv->nch == sv->chcap) {
			sv->chcap = sv->chcap ? 2 * sv->chcap : 64;
			sv->ch = xrealloc(sv->ch, sv->chcap * sizeof *sv->ch);
		}
		struct child *c = &sv->ch[sv->nch++];
		*c = (struct child){.pid = pid, .ctl = sp[0]};
		snprintf(c->host, sizeof c->host, "%s", w->host);
		sv->startups++;
		if (fd_set_nonblock(sp[0], true) < 0) { /* cannot fail on a socket */ }
	}
	waiting_drop(sv, i);
}

/* Waiting connection i sent its hello (or something that cannot be one):
 * fork its session unless the startup limits refuse it. */
static void admit(struct server *sv, size_t i)
{
	const struct dconf *cf = sv->cf;
	struct waiting *w = &sv->w[i];
	/* Handshakes that ended since the last SIGCHLD was read still count
	 * until reaped: reap before counting, as accept_all() does. */
	if (sv->startups >= cf->startups_start || sv->startups >= cf->per_source)
		reap(sv);
	unsigned from_host = 0;
	for (size_t j = 0; j < sv->nch; j++)
		from_host += !sv->ch[j].authed && strcmp(sv->ch[j].host, w->host) == 0;
	const char *why = NULL;
	if (from_host >= cf->per_source) {
		why = "too many handshakes from this address (--max-startups-per-source)";
	} else if (sv->startups >= cf->startups_full) {
		why = "too many handshakes at once (--max-startups)";
	} else if (sv->startups >= cf->startups_start) {
		/* sshd's MaxStartups: drop with a probability rising linearly
		 * from RATE % at START to 100 % at FULL. */
		unsigned span = cf->startups_full - cf->startups_start;
		unsigned p = cf->startups_rate +
			     (100 - cf->startups_rate) * (sv->startups - cf->startups_start) / span;
		if (randombytes_uniform(100) < p)
			why = "too many handshakes at once (--max-startups, random early drop)";
	}
	if (!why) {
		start_session(sv, i);
		return;
	}
	refuse(sv, w->fd, RP_REFUSE_RETRY, w->peer, why);
	sv->w[i] = sv->w[--sv->nw];
}

/* Is what arrived so far the beginning of a version 2 client hello record?
 * (Anything else, a hello of another version too, goes to a session at
 * once, which answers it.) */
static bool hello_prefix_ok(const struct waiting *w)
{
	uint8_t len[4];
	rp_put32(len, RHS_HELLO_NOISE);
	size_t n = w->got < 8 ? w->got : 8;
	return memcmp(w->hello, len, n < 4 ? n : 4) == 0 &&
	       (n <= 4 || memcmp(w->hello + 4, "IPSH", n - 4) == 0);
}

/* Bytes arrived on waiting connection i. */
static void waiting_input(struct server *sv, size_t i)
{
	struct waiting *w = &sv->w[i];
	ssize_t n = recv(w->fd, w->hello + w->got, HELLO_LEN - w->got, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		note_refusal(sv, w->peer, "closed before the handshake");
		waiting_drop(sv, i);
		return;
	}
	w->got += (size_t)n;
	/* A complete hello, or bytes that cannot begin one: the session
	 * process checks it and answers (with a refusal saying why). */
	if (w->got == HELLO_LEN || !hello_prefix_ok(w))
		admit(sv, i);
}

static void accept_all(struct server *sv)
{
	const struct dconf *cf = sv->cf;
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(sv->lfd, (struct sockaddr *)&ss, &len,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				if (!sv->backoff)
					msg_errno("cannot accept connections");
				sv->backoff = true;
			}
			return;
		}
		sv->backoff = false;
		struct waiting w = {.fd = fd, .since = now_ns()};
		format_addr((struct sockaddr *)&ss, len, w.peer, sizeof w.peer, w.host,
			    sizeof w.host);
		/* Sessions that ended during this burst of accepts still count
		 * until reaped: reap before refusing, or a flood of short
		 * connections makes the daemon busy with nothing running. */
		if (sv->sessions >= cf->max_sessions)
			reap(sv);
		if (sv->sessions >= cf->max_sessions) {
			char why[64];
			snprintf(why, sizeof why, "busy (%u sessions)", sv->sessions);
			refuse(sv, fd, RP_REFUSE_BUSY, w.peer, why);
			continue;
		}
		if (sv->nw == sv->wmax) { /* the oldest waiting connection makes room */
			size_t old = 0;
			for (size_t j = 1; j < sv->nw; j++)
				if (sv->w[j].since < sv->w[old].since)
					old = j;
			note_refusal(sv, sv->w[old].peer, "no client hello yet, closed for a newer connection");
			waiting_drop(sv, old);
		}
		sv->w[sv->nw++] = w;
	}
}

/* Close waiting connections past the hello deadline; returns the poll
 * timeout (ms) until the next deadline, -1 when none. */
static int waiting_expire(struct server *sv)
{
	uint64_t limit = (uint64_t)sv->cf->hello_timeout * 1000000000u, now = now_ns(), next = 0;
	for (size_t i = sv->nw; i-- > 0;) {
		uint64_t due = sv->w[i].since + limit;
		if (now >= due) {
			note_refusal(sv, sv->w[i].peer, "handshake timed out (no client hello)");
			waiting_drop(sv, i);
		} else if (!next || due < next) {
			next = due;
		}
	}
	return next ? (int)((next - now) / 1000000u) + 1 : -1;
}

/* Stop: sessions get SIGTERM (they kill their commands' groups), then
 * SIGKILL after 3 s. */
static void shutdown_sessions(struct server *sv)
{
	while (sv->nw)
		waiting_drop(sv, sv->nw - 1);
	for (size_t i = 0; i < sv->nch; i++)
		kill(sv->ch[i].pid, SIGTERM);
	uint64_t deadline = now_ns() + 3000000000u;
	while (sv->nch && now_ns() < deadline) {
		struct pollfd p = {.fd = sv->sigr, .events = POLLIN};
		if (poll(&p, 1, 50) > 0) {
			unsigned char b[64];
			while (read(sv->sigr, b, sizeof b) > 0) { }
		}
		reap(sv);
	}
	for (size_t i = 0; i < sv->nch; i++)
		kill(sv->ch[i].pid, SIGKILL);
	while (sv->nch) {
		pid_t pid = waitpid(-1, NULL, 0);
		if (pid < 0 && errno != EINTR)
			break;
		reap(sv);
	}
}

/* How many connections may wait for their hello: what the fd limit leaves
 * beside the other fds we may hold, at most 1024. (The soft limit is not
 * raised: commands inherit it, and select()-based programs rely on 1024.) */
static size_t waiting_capacity(const struct dconf *cf)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 1024;
	rlim_t used = 32 + 2 * (rlim_t)(cf->startups_full + cf->max_sessions);
	rlim_t room = rl.rlim_cur > used + 64 ? rl.rlim_cur - used : 64;
	return room < 1024 ? (size_t)room : 1024;
}

/* The poll set: listener, signals, waiting connections, control sockets. */
static struct pollfd *poll_build(struct server *sv, struct pollfd *p, size_t *cap, size_t *n)
{
	size_t need = 2 + sv->nw + sv->nch;
	if (need > *cap) {
		*cap = need * 2;
		p = xrealloc(p, *cap * sizeof *p);
	}
	p[0] = (struct pollfd){.fd = sv->backoff ? -1 : sv->lfd, .events = POLLIN};
	p[1] = (struct pollfd){.fd = sv->sigr, .events = POLLIN};
	for (size_t i = 0; i < sv->nw; i++)
		p[2 + i] = (struct pollfd){.fd = sv->w[i].fd, .events = POLLIN};
	for (size_t i = 0; i < sv->nch; i++)
		p[2 + sv->nw + i] = (struct pollfd){.fd = sv->ch[i].ctl, .events = POLLIN};
	*n = need;
	return p;
}

int listener_serve(const struct dconf *cf, int lfd, int sigr)
{
	struct server sv = {.cf = cf, .lfd = lfd, .sigr = sigr};
	sv.wmax = waiting_capacity(cf);
	sv.w = xcalloc(sv.wmax, sizeof *sv.w);
	struct pollfd *p = NULL;
	size_t pcap = 0, np, nw, nch;
	for (;;) {
		int timeout = waiting_expire(&sv);
		if (sv.backoff && (timeout < 0 || timeout > 100))
			timeout = 100;
		p = poll_build(&sv, p, &pcap, &np);
		nw = sv.nw, nch = sv.nch;
		int n = poll(p, np, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0)
			sv.backoff = false;
		if (n <= 0)
			continue;
		if (p[1].revents) {
			unsigned char b[64];
			ssize_t k;
			bool stop = false;
			while ((k = read(sigr, b, sizeof b)) > 0)
				for (ssize_t i = 0; i < k; i++)
					stop |= b[i] != SIGCHLD;
			if (stop)
				break;
		}
		/* Children and waiting connections from the end: handling one
		 * may move the last into its place, which was handled already.
		 * Reaping (which also reorders children) comes after. */
		for (size_t i = nch; i-- > 0;)
			if (p[2 + nw + i].revents && sv.ch[i].ctl >= 0)
				child_ctl(&sv, &sv.ch[i]);
		for (size_t i = nw; i-- > 0;)
			if (p[2 + i].revents)
				waiting_input(&sv, i);
		if (p[1].revents)
			reap(&sv);
		if (p[0].revents)
			accept_all(&sv);
	}
	shutdown_sessions(&sv);
	free(p);
	free(sv.w);
	free(sv.ch);
	return 0;
}
