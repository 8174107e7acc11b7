/* session.c — one ipcshd session, in its own process: handshake, EXEC,
 * starting the command, relaying, cleaning up, and one log line.
 *
 * Order matters (docs/PROTOCOL.md §2): nothing is allocated from a length
 * read off the wire, nothing runs before the handshake verified the client
 * and a valid EXEC decrypted, and everything that allocates is done before
 * fork(); the child only calls async-signal-safe functions before execve.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int sig_wfd = -1;

static void on_signal(int sig)
{
	int e = errno;
	unsigned char b = (unsigned char)sig;
	if (write(sig_wfd, &b, 1) < 0) { /* full: coalesced */ }
	errno = e;
}

int daemon_signals_setup(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sig_wfd = p[1];
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_NOCLDSTOP};
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	return p[0];
}

void daemon_signals_forget(int rfd)
{
	if (rfd >= 0)
		close(rfd);
	if (sig_wfd >= 0)
		close(sig_wfd);
	sig_wfd = -1;
}

/* Wait for one frame until deadline: 1, or -1 with e set. */
static int wait_frame(struct rconn *c, int rfd, uint64_t deadline, struct rframe *f,
		      struct errbuf *e)
{
	for (;;) {
		int k = rconn_next(c, f, e);
		if (k != 0)
			return k;
		uint64_t now = now_ns();
		if (now >= deadline) {
			errbuf_set(e, "timed out waiting for the command");
			return -1;
		}
		struct pollfd p = {.fd = rfd, .events = POLLIN};
		if (poll(&p, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
			continue;
		ssize_t n = rconn_read(c);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			errbuf_set(e, "connection closed before the command");
			return -1;
		}
	}
}

/* The handshake; in Noise mode pub gets the client's static key, which the
 * caller still has to authorise. 0, or -1 with e set. */
static int session_handshake(const struct dconf *cf, struct rconn *c, int mode,
			     uint64_t deadline, uint8_t pub[RP_KEY_BYTES], struct errbuf *e)
{
	struct rhs hs;
	rhs_init(&hs, 'S', (uint8_t)mode, mode == RP_MODE_NOISE ? cf->host_key : NULL, 0);
	const uint8_t *body;
	size_t len, outlen;
	uint8_t out[RHS_MAX];
	int rc = -1;
	/* Up to RHS_MAX, not the exact size: a hello of another version is
	 * answered with a VERSION refusal, not a bad record length. */
	int r = rconn_wait_raw(c, RHS_MAX, deadline, &body, &len, e);
	if (r == 0)
		errbuf_set(e, "closed before the handshake");
	if (r <= 0)
		goto out;
	bool ok = rhs_server_hello(&hs, body, len, out, &outlen, e) == 0;
	rconn_send_raw(c, out, outlen);
	if (rconn_flush_wait(c, deadline) < 0 && ok) {
		errbuf_set(e, "connection lost during the handshake");
		goto out;
	}
	if (!ok)
		goto out;
	if (mode == RP_MODE_NOISE) {
		r = rconn_wait_raw(c, RHS_FINISH_NOISE, deadline, &body, &len, e);
		if (r == 0)
			errbuf_set(e, "closed during the handshake, after our host key (a client "
				   "that does not trust it closes there)");
		if (r <= 0 || rhs_server_finish(&hs, body, len, e) < 0)
			goto out;
		memcpy(pub, hs.rs, RP_KEY_BYTES);
	}
	rhs_install(&hs, c);
	rc = 0;
out:
	rhs_wipe(&hs);
	return rc;
}

/* Append s with every byte outside printable ASCII, and the backslash,
 * written as a C escape (\n, \t, \r, \\, \xHH): text that came from a client
 * can then neither forge a log line nor reach a terminal as a control
 * sequence (ESC, C1, bidi overrides are all bytes outside ASCII or below 0x20). */
static void sb_add_escaped(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\\': sb_adds(sb, "\\\\"); break;
		case '\n': sb_adds(sb, "\\n"); break;
		case '\t': sb_adds(sb, "\\t"); break;
		case '\r': sb_adds(sb, "\\r"); break;
		default:
			if (*p >= 0x20 && *p < 0x7f) {
				sb_addc(sb, (char)*p);
			} else {
				char esc[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};
				sb_add(sb, esc, 4);
			}
		}
	}
}

/* Log "PEER: refused: WHY", WHY escaped. */
static void log_refused(const struct dconf *cf, const char *peer, const char *why)
{
	if (!cf->log)
		return;
	struct strbuf sb = {0};
	sb_add_escaped(&sb, why);
	msg_err("%s: refused: %s", peer, sb.buf ? sb.buf : "");
	sb_free(&sb);
}

static void send_error(struct rconn *c, int status, const char *text)
{
	uint8_t buf[1 + RP_ERROR_TEXT_MAX];
	struct strbuf sb = {0};
	sb_add_escaped(&sb, text);
	size_t n = sb.len;
	if (n > RP_ERROR_TEXT_MAX)
		n = RP_ERROR_TEXT_MAX;
	buf[0] = (uint8_t)status;
	if (n)
		memcpy(buf + 1, sb.buf, n);
	sb_free(&sb);
	rconn_send_msg(c, RP_ERROR, 0, buf, 1 + n, true);
}

/* The rule that allows running the file at path (as the client named it)
 * with args, or NULL. The file must be the rule's (same canonical path) under
 * the rule's name (same basename: a multi-call binary such as busybox picks
 * its program by name), and an --allow-exact rule's arguments must be the
 * client's, exactly. */
static const struct allow_rule *allowed_rule(const struct allow_rule *rules, size_t nrules,
					     const char *path, char *const *args)
{
	char *real = realpath(path, NULL);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const struct allow_rule *found = NULL;
	for (size_t i = 0; real && !found && i < nrules; i++) {
		const struct allow_rule *r = &rules[i];
		if (strcmp(real, r->path) != 0 || strcmp(base, r->base) != 0)
			continue;
		size_t k = 0;
		while (r->args && r->args[k] && args[k] && strcmp(r->args[k], args[k]) == 0)
			k++;
		if (!r->args || (!r->args[k] && !args[k]))
			found = r;
	}
	free(real);
	return found;
}

/* Is NAME (up to '=') one that --accept-env lets a client assign? An
 * allow-list, as sshd's AcceptEnv: a deny-list cannot know every variable
 * that makes some program run code (BASH_ENV, SHELLOPTS, PS4, ENV...). */
static bool env_accepted(const struct dconf *cf, const struct authkey *k, const char *assign)
{
	size_t nl = strcspn(assign, "=");
	char name[256];
	if (nl >= sizeof name)
		return false;
	memcpy(name, assign, nl);
	name[nl] = '\0';
	/* env= in authorized_keys: this key's own list, in place of --accept-env. */
	if (k && k->env)
		return authkey_env_ok(k, name);
	for (size_t i = 0; cf->accept_env && cf->accept_env[i]; i++)
		if (fnmatch(cf->accept_env[i], name, 0) == 0)
			return true;
	return false;
}

/* The daemon's environment without LD_* and without the names the client
 * assigns, then the client's assignments (all accepted by env_accepted). */
static char **build_env(const struct rexec *x)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + x->envc + 1, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = environ[i];
		size_t nl = strcspn(s, "=");
		bool drop = strncmp(s, "LD_", 3) == 0;
		for (size_t j = 0; j < x->envc && !drop; j++)
			drop = strncmp(x->env[j], s, nl) == 0 && x->env[j][nl] == '=';
		if (!drop)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < x->envc; j++)
		env[k++] = x->env[j];
	return env;
}

/* In the forked child: only async-signal-safe calls, then execve. */
static void child_exec(const char *home, const char *path, char **argv, char **env,
		       const int fds[3], int errw)
{
	/* A session of its own, so no controlling terminal: a command run for
	 * the network must never reach the terminal that started the daemon
	 * (TIOCSTI pushes input into it). Also a new process group, which
	 * relay_kill_group signals. */
	int err = setsid() < 0 ? errno : 0;
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigemptyset(&sa.sa_mask);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		err = errno;
	if (!err && chdir(home) < 0 && chdir("/") < 0)
		err = errno;
	for (int i = 0; i < 3 && !err; i++)
		if (dup2(fds[i], i) < 0)
			err = errno;
	if (!err) {
		execve(path, argv, env);
		err = errno;
	}
	if (write(errw, &err, sizeof err) < 0) { /* the parent sees EOF: still an error */ }
	_exit(127);
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
	p[0] = p[1] = -1;
}

/* Start the command with pipes for its stdio; fills r. Returns 0, or -1
 * with e set and *status the ERROR status to send. */
static int spawn(const struct dconf *cf, const char *path, struct rexec *x, struct relay *r,
		 int *status, struct errbuf *e)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, ep[2] = {-1, -1};
	char **env = build_env(x);
	int rc = -1;
	*status = 1;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    pipe2(ep, O_CLOEXEC) < 0) {
		errbuf_set(e, "cannot create pipes: %s", strerror(errno));
		goto out;
	}
	/* Bigger pipes: fewer wake-ups per byte (NOTES.md); best effort. */
	if (fcntl(out[1], F_SETPIPE_SZ, 1 << 20) < 0 || fcntl(in[1], F_SETPIPE_SZ, 1 << 20) < 0) { }
	pid_t pid = fork();
	if (pid == 0) {
		int fds[3] = {in[0], out[1], err[1]};
		child_exec(cf->home, path, x->argv, env, fds, ep[1]);
	}
	if (pid < 0) {
		errbuf_set(e, "cannot fork: %s", strerror(errno));
		goto out;
	}
	/* No setpgid here: it would make the child a group leader, and
	 * setsid() fails in a group leader. The child's group exists once
	 * ep[0] reads EOF (exec) or an errno, before anyone signals it. */
	close(ep[1]);
	ep[1] = -1;
	int cerr = 0;
	ssize_t n;
	while ((n = read(ep[0], &cerr, sizeof cerr)) < 0 && errno == EINTR) { }
	if (n > 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) { }
		*status = cerr == ENOENT ? 127 : 126;
		errbuf_set(e, "%s: %s", x->argv[0], strerror(cerr));
		goto out;
	}
	r->pid = pid;
	r->fd_in = in[1];
	r->fd_out[1] = out[0];
	r->fd_out[2] = err[0];
	in[1] = out[0] = err[0] = -1;
	for (int i = 0; i < 3; i++) {
		int fd = i == 0 ? r->fd_in : r->fd_out[i];
		if (fd_set_nonblock(fd, true) < 0) { /* cannot fail on a pipe */ }
	}
	rc = 0;
out:
	close_pair(in);
	close_pair(out);
	close_pair(err);
	close_pair(ep);
	free(env);
	return rc;
}

/* allow= of the client's key: the key may run only these names, resolved
 * now through our PATH as --allow's are at start. The rule that allows
 * path with args, or NULL (*rules, *n: to free with rules_free). */
static const struct allow_rule *key_rule(const struct dconf *cf, const struct authkey *k,
					 const char *path, char *const *args,
					 struct allow_rule **rules, size_t *n)
{
	*rules = xcalloc(k->nallow, sizeof **rules);
	*n = 0;
	for (size_t i = 0; i < k->nallow; i++) {
		char *p = daemon_resolve(k->allow[i], cf->home);
		char *real = p ? realpath(p, NULL) : NULL;
		if (real)
			(*rules)[(*n)++] = (struct allow_rule){.path = real,
							      .base = xstrdup(strrchr(p, '/') + 1)};
		free(p);
	}
	return allowed_rule(*rules, *n, path, args);
}

static void rules_free(struct allow_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rules[i].path);
		free(rules[i].base);
	}
	free(rules);
}

/* command= of the client's key: what runs is that argv, whatever the client
 * asked, which the command finds in IPCSH_ORIGINAL_COMMAND (as sshd's
 * SSH_ORIGINAL_COMMAND), quoted for sh. */
static void force_command(const struct authkey *k, struct rexec *x)
{
	struct strbuf orig = {0};
	sb_adds(&orig, "IPCSH_ORIGINAL_COMMAND=");
	for (size_t i = 0; i < x->argc; i++) {
		if (i)
			sb_addc(&orig, ' ');
		sb_add_shquoted(&orig, x->argv[i]);
		free(x->argv[i]);
	}
	free(x->argv);
	x->argv = xcalloc(k->ncommand + 1, sizeof *x->argv);
	for (size_t i = 0; i < k->ncommand; i++)
		x->argv[i] = xstrdup(k->command[i]);
	x->argc = k->ncommand;
	x->env = xrealloc(x->env, (x->envc + 2) * sizeof *x->env);
	x->env[x->envc++] = sb_detach(&orig);
	x->env[x->envc] = NULL;
}

/* Check EXEC against the limits, PATH, --allow and the key's options;
 * returns the path to run or NULL with *status and e set. Under --allow or
 * allow= that is the rule's path, resolved before the check, and argv[0]
 * becomes the rule's name: exactly what was checked runs, whatever happens
 * to the client's path after the check (a symlink flipped in a writable
 * directory). */
static char *check_exec(const struct dconf *cf, const struct authkey *k, struct rexec *x,
			int *status, struct errbuf *e)
{
	*status = 1;
	if (x->argc > cf->max_args || x->envc > cf->max_env) {
		errbuf_set(e, "too many arguments or assignments (limits %u and %u)", cf->max_args,
			   cf->max_env);
		return NULL;
	}
	for (size_t j = 0; j < x->envc; j++) {
		if (!env_accepted(cf, k, x->env[j])) {
			errbuf_set(e, "%.*s: environment variable not accepted by this server "
				   "(%s)", (int)strcspn(x->env[j], "="), x->env[j],
				   k && k->env ? "env= of this key" : "--accept-env");
			return NULL;
		}
	}
	if (k && k->command)
		force_command(k, x);
	char *path = daemon_resolve(x->argv[0], cf->home);
	if (!path) {
		*status = errno == ENOENT ? 127 : 126;
		errbuf_set(e, "%.200s: %s", x->argv[0],
			   errno == ENOENT ? "command not found" : strerror(errno));
		return NULL;
	}
	const struct allow_rule *r = NULL;
	struct allow_rule *krules = NULL;
	size_t nk = 0;
	const char *why = NULL;
	if (cf->allow && !(r = allowed_rule(cf->allow, cf->nallow, path, x->argv + 1)))
		why = "--allow";
	else if (k && k->allow && !(r = key_rule(cf, k, path, x->argv + 1, &krules, &nk)))
		why = "allow= of this key";
	if (why || !r) {
		rules_free(krules, nk);
		if (!why)
			return path;
		free(path);
		*status = 126;
		errbuf_set(e, "%.200s: not allowed on this server (%s)", x->argv[0], why);
		return NULL;
	}
	free(path);
	free(x->argv[0]);
	x->argv[0] = xstrdup(r->base);
	char *run = xstrdup(r->path);
	rules_free(krules, nk);
	return run;
}

/* The log line: peer, command, outcome, bytes, time; the command and the
 * outcome (which may quote it) escaped. */
static void session_log(const struct dconf *cf, const char *peer, const struct rexec *x,
			const char *outcome, const struct relay *r, uint64_t t0)
{
	if (!cf->log)
		return;
	struct strbuf cmd = {0}, sb = {0};
	for (size_t i = 0; x && i < x->argc && cmd.len < 120; i++) {
		if (i)
			sb_addc(&cmd, ' ');
		sb_add_shquoted(&cmd, x->argv[i]);
	}
	if (cmd.len > 120)
		sb_add(&cmd, "...", 3);
	if (cmd.buf) {
		sb_add_escaped(&sb, cmd.buf);
		if (sb.len > 400) { /* escapes may quadruple a long first argument */
			sb.len = 400;
			sb_adds(&sb, "...");
		}
		sb_adds(&sb, ": ");
	}
	sb_add_escaped(&sb, outcome);
	double secs = (double)(now_ns() - t0) / 1e9;
	msg_err("%s: %s (in %llu B, out %llu B, err %llu B, %.3f s)", peer, sb.buf ? sb.buf : "",
		(unsigned long long)(r ? r->bytes[0] : 0), (unsigned long long)(r ? r->bytes[1] : 0),
		(unsigned long long)(r ? r->bytes[2] : 0), secs);
	sb_free(&cmd);
	sb_free(&sb);
}

static void outcome_of(const struct relay *r, char *buf, size_t len)
{
	if (WIFSIGNALED(r->wstatus))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(r->wstatus));
	else
		snprintf(buf, len, "exit %d", WEXITSTATUS(r->wstatus));
}

/* End the connection without losing what we sent: closing a socket with
 * unread input (the client's last window grants) makes the kernel send a
 * reset and drop our unsent output. Flush, half-close, then read until the
 * client closes, for at most 5 s. */
static void linger_close(struct rconn *c, int rfd, int wfd, unsigned idle)
{
	/* A slow reader is still a reader: wait as long as the idle timeout. */
	if (rconn_flush_wait(c, idle ? now_ns() + (uint64_t)idle * 1000000000u : 0) < 0)
		return;
	uint64_t deadline = now_ns() + 5000000000u;
	if (shutdown(wfd, SHUT_WR) < 0 && rfd != wfd)
		close(wfd);
	uint8_t buf[4096];
	for (;;) {
		uint64_t now = now_ns();
		if (now >= deadline)
			return;
		struct pollfd p = {.fd = rfd, .events = POLLIN};
		if (poll(&p, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
			continue;
		ssize_t n = read(rfd, buf, sizeof buf);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return;
	}
}

/* Ask the listener for a session slot (see struct session_start): true
 * when granted, or when there is no listener. */
static bool session_slot(const struct session_start *st)
{
	if (!st || st->ctl < 0)
		return true;
	char b = 0;
	if (write(st->ctl, "A", 1) != 1)
		return false;
	ssize_t n;
	while ((n = read(st->ctl, &b, 1)) < 0 && errno == EINTR) { }
	return n == 1 && b == 'Y';
}

int session_serve(const struct dconf *cf, int rfd, int wfd, int mode, const char *peer,
		  const struct session_start *st)
{
	uint64_t t0 = now_ns();
	uint64_t deadline = t0 + (uint64_t)cf->handshake_timeout * 1000000000u;
	struct errbuf e = {{0}};
	struct relay r = {.rfd = rfd, .wfd = wfd, .fd_in = -1, .fd_out = {-1, -1, -1},
			  .recv_credit0 = RP_WINDOW, .credit = {0, RP_WINDOW, RP_WINDOW},
			  .idle_timeout = cf->idle_timeout};
	struct rexec x = {0};
	struct rframe f;
	struct authkeys *ak = NULL;
	const struct authkey *key = NULL;
	uint8_t pub[RP_KEY_BYTES];
	char *who = NULL;
	int status, rc = 1;
	char *path = NULL;
	r.sigr = daemon_signals_setup();
	if (r.sigr < 0 || fd_set_nonblock(rfd, true) < 0 || fd_set_nonblock(wfd, true) < 0) {
		msg_errno("%s: cannot set up the session", peer);
		return 1;
	}
	r.c = rconn_new(rfd, wfd);
	if (st && st->npre && rconn_feed(r.c, st->pre, st->npre) != st->npre) {
		msg_err("%s: cannot take the client hello", peer);
		goto out;
	}
	if (session_handshake(cf, r.c, mode, deadline, pub, &e) < 0) {
		log_refused(cf, peer, e.msg);
		goto out;
	}
	if (mode == RP_MODE_NOISE && !(key = daemon_authorize(cf, rfd, pub, &ak, &e))) {
		/* The channel is encrypted to this client, whose key we do not
		 * admit: tell it so, and run nothing. */
		char fp[KEY_FP_MAX], *text;
		log_refused(cf, peer, e.msg);
		key_fingerprint(pub, fp);
		text = xasprintf("authentication failed: this server does not admit key %s", fp);
		send_error(r.c, 255, text);
		free(text);
		linger_close(r.c, rfd, wfd, cf->idle_timeout);
		goto out;
	}
	if (key) {
		/* From here on the log names the key too: its comment in
		 * authorized_keys, else its fingerprint. */
		char fp[KEY_FP_MAX];
		struct strbuf sb = {0};
		sb_adds(&sb, peer);
		sb_adds(&sb, " (");
		if (key->comment) {
			sb_add_escaped(&sb, key->comment);
		} else {
			key_fingerprint(pub, fp);
			sb_adds(&sb, fp);
		}
		sb_addc(&sb, ')');
		peer = who = sb_detach(&sb);
	}
	bool slot = session_slot(st);
	if (st && st->ctl >= 0)
		close(st->ctl);
	if (!slot) {
		/* Authenticated, but every session slot is taken. */
		send_error(r.c, 255, "server busy (too many sessions)");
		linger_close(r.c, rfd, wfd, cf->idle_timeout);
		goto out;
	}
	if (wait_frame(r.c, rfd, deadline, &f, &e) < 0 || rframe_check(&f, false, &e) < 0 ||
	    f.type != RP_EXEC) {
		if (!e.msg[0])
			errbuf_set(&e, "the first frame is not EXEC");
		log_refused(cf, peer, e.msg);
		goto out;
	}
	if (rexec_decode(f.payload, f.len, &x, &e) < 0) {
		/* An authenticated client sent an EXEC we refuse (an LD_*
		 * assignment, a bad vector): say why, as §3.1 promises. */
		log_refused(cf, peer, e.msg);
		send_error(r.c, 1, e.msg);
		linger_close(r.c, rfd, wfd, cf->idle_timeout);
		goto out;
	}
	if (!(path = check_exec(cf, key, &x, &status, &e)) || spawn(cf, path, &x, &r, &status, &e) < 0) {
		send_error(r.c, status, e.msg);
		session_log(cf, peer, &x, e.msg, NULL, t0);
		linger_close(r.c, rfd, wfd, cf->idle_timeout);
		goto out;
	}
	const char *why = NULL;
	char outcome[200];
	if (relay_run(&r, &why) < 0) {
		relay_kill_group(&r);
		snprintf(outcome, sizeof outcome, "%s; process group killed", why);
	} else {
		outcome_of(&r, outcome, sizeof outcome);
		rc = 0;
	}
	session_log(cf, peer, &x, outcome, &r, t0);
	linger_close(r.c, rfd, wfd, cf->idle_timeout);
out:
	free(path);
	free(who);
	authkeys_free(ak);
	rexec_free(&x);
	rqueue_clear(&r.qin);
	rconn_free(r.c);
	return rc;
}
