/* dial.c — the client's transport: a TCP connection with a deadline, or an
 * ssh child speaking to `ipcshd --stdio` (SPEC §9). */
#include "dial.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connect one address; 0 or -1 with errno. */
static int connect_one(int fd, const struct addrinfo *ai, int timeout_ms)
{
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		uint64_t now = now_ns();
		if (now >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int r = poll(&p, 1, (int)((deadline - now) / 1000000u) + 1);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0)
			break;
	}
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -1;
	errno = err;
	return err ? -1 : 0;
}

int rdial_tcp(const struct rtarget *t, int timeout_ms, struct errbuf *e)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res;
	int rc = getaddrinfo(t->host, t->port, &hints, &res);
	if (rc != 0) {
		errbuf_set(e, "cannot resolve %s: %s", t->host,
			   rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		/* Never on 0-2, which this stage may have closed (`<&-`). */
		if (fd >= 0 && fd < 3)
			fd = fd_move_high(fd);
		if (fd >= 0 && connect_one(fd, ai, timeout_ms) == 0)
			break;
		err = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		errbuf_set(e, "cannot connect to %s port %s: %s", t->host, t->port, strerror(err));
		return -1;
	}
	int one = 1;
	/* Control frames (signals, windows) are small and must not wait. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) { /* best effort */ }
	return fd;
}

/* Split s on blanks into v (appending); v has room for enough words. */
static size_t split_words(char *s, char **v, size_t n)
{
	for (char *tok = s; *tok;) {
		tok += strspn(tok, " \t\n");
		if (!*tok)
			break;
		size_t len = strcspn(tok, " \t\n");
		v[n++] = tok;
		if (!tok[len])
			break;
		tok[len] = '\0';
		tok += len + 1;
	}
	return n;
}

/* In the forked child: wire the pipes, set signals, exec. Never returns. */
static void ssh_child(char **argv, int in, int out)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
		_exit(127);
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigemptyset(&sa.sa_mask);
	static const int dfl[] = {SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGPIPE, SIGCHLD};
	for (size_t i = 0; i < ARRAY_LEN(dfl); i++)
		sigaction(dfl[i], &sa, NULL);
	/* OpenSSH keeps an inherited SIG_IGN: a Ctrl-C of the job reaches the
	 * remote command through the protocol instead of killing ssh. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	int err = errno;
	char msg[256];
	int n = snprintf(msg, sizeof msg, "ipcsh: %s: cannot run: %s\n", argv[0], strerror(err));
	if (n > 0 && write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1) < 0) { }
	_exit(err == ENOENT ? 127 : 126);
}

int rdial_ssh(const struct rtarget *t, int *rfd, int *wfd, pid_t *pid, struct errbuf *e)
{
	const char *ssh = getenv("IPCSH_SSH");
	const char *rcmd = getenv("IPCSH_REMOTE_CMD");
	char *sshw = xstrdup(ssh && *ssh ? ssh : "ssh");
	size_t max = strlen(sshw) / 2 + 4;
	char **argv = xcalloc(max, sizeof *argv);
	size_t n = split_words(sshw, argv, 0);
	argv[n++] = t->host;
	argv[n++] = (char *)(rcmd && *rcmd ? rcmd : "ipcshd --stdio");
	argv[n] = NULL;
	int to[2] = {-1, -1}, from[2] = {-1, -1};
	int rc = -1;
	if (n < 3 || pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0) {
		errbuf_set(e, "cannot start ssh: %s", n < 3 ? "IPCSH_SSH is blank" : strerror(errno));
		goto out;
	}
	/* Keep the pipes off fds 0-2 (they may be closed in this stage), so
	 * that dup2 in the child never meets its own fd. */
	for (int i = 0; i < 2; i++) {
		if ((to[i] = fd_move_high(to[i])) < 0 || (from[i] = fd_move_high(from[i])) < 0) {
			errbuf_set(e, "cannot start ssh: %s", strerror(errno));
			goto out;
		}
	}
	*pid = fork();
	if (*pid == 0)
		ssh_child(argv, to[0], from[1]);
	if (*pid < 0) {
		errbuf_set(e, "cannot start ssh: %s", strerror(errno));
		goto out;
	}
	*rfd = from[0];
	*wfd = to[1];
	from[0] = to[1] = -1;
	if (fd_set_nonblock(*rfd, true) < 0 || fd_set_nonblock(*wfd, true) < 0) { /* cannot fail */ }
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (to[i] >= 0)
			close(to[i]);
		if (from[i] >= 0)
			close(from[i]);
	}
	free(argv);
	free(sshw);
	return rc;
}
