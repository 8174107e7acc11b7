/* guard.c — the guardian: names never outlive ipcsh.
 *
 * A FIFO in its private directory and a POSIX queue need a name for a
 * moment (fifo:path=P and mmap:path=P for the whole pipeline); System V
 * objects are named by a key, and a message queue and a semaphore set live
 * as long as the pipeline. ipcsh tells each name to the
 * guardian *before* it creates the object, over a socket nobody else holds;
 * when that socket reaches EOF (ipcsh exited or was SIGKILLed), the
 * guardian removes every name it still knows and exits. Because the name is
 * in the socket buffer before the object exists, there is no window in
 * which ipcsh can die leaving an object the guardian does not know.
 *
 * The guardian is forked lazily (scripts that use only pipe, sock and shm
 * never start it), through a double fork so it is not ipcsh's child (the
 * job table never sees it), in its own session, ignoring the terminal's
 * signals, with every other fd closed so it holds no edge open.
 *
 * Records on the socket: "+K<name>\0" to add, "-K<name>\0" to forget, K
 * being one of GUARD_* (internal.h). Names may contain any byte but
 * NUL (paths from fifo:path= may contain newlines).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Names ipcsh has told the guardian and not yet forgotten: resent to a new
 * guardian if the old one was killed. */
struct gname {
	int kind;
	char *name;
};
static struct gname *known;
static size_t nknown, capknown;
static int guard_fd = -1;
static pid_t guard_owner; /* the process that started guard_fd's guardian */

void fault_point(const char *point)
{
	const char *f = getenv("IPCSH_FAULT");
	if (f && strcmp(f, point) == 0)
		raise(SIGKILL);
}

void random_hex(char *buf, size_t nbytes)
{
	unsigned char r[32];
	if (nbytes > sizeof r)
		nbytes = sizeof r;
	if (getrandom(r, nbytes, 0) != (ssize_t)nbytes) {
		/* Never fails for <= 256 bytes once the pool is ready; be safe. */
		uint64_t x = now_ns() ^ ((uint64_t)getpid() << 32);
		for (size_t i = 0; i < nbytes; i++, x = x * 6364136223846793005u + 1442695040888963407u)
			r[i] = (unsigned char)(x >> 56);
	}
	for (size_t i = 0; i < nbytes; i++)
		snprintf(buf + 2 * i, 3, "%02x", r[i]);
}

/* ---- the guardian process ---- */

static void guardian_remove(int kind, const char *name)
{
	struct stat st;
	switch (kind) {
	case GUARD_FILE:
		if (lstat(name, &st) == 0 && S_ISFIFO(st.st_mode))
			unlink(name);
		break;
	case GUARD_DIR: rmdir(name); break;
	case GUARD_MQ: mq_unlink(name); break;
	case GUARD_REGFILE:
		if (lstat(name, &st) == 0 && S_ISREG(st.st_mode))
			unlink(name);
		break;
	case GUARD_SYSV_MSG:
	case GUARD_SYSV_SEM:
	case GUARD_SYSV_SHM: sysv_remove_key(kind, name); break;
	default: break;
	}
}

/* Apply one record to the list. */
static void guardian_record(struct gname **list, size_t *n, size_t *cap, const char *rec)
{
	if ((rec[0] != '+' && rec[0] != '-') || rec[1] == '\0')
		return;
	int kind = (unsigned char)rec[1];
	const char *name = rec + 2;
	if (rec[0] == '+') {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*list = xrealloc(*list, *cap * sizeof **list);
		}
		(*list)[(*n)++] = (struct gname){kind, xstrdup(name)};
		return;
	}
	for (size_t i = *n; i-- > 0;)
		if ((*list)[i].kind == kind && strcmp((*list)[i].name, name) == 0) {
			free((*list)[i].name);
			/* Keep the order: removal goes newest first. */
			memmove(*list + i, *list + i + 1, (--*n - i) * sizeof **list);
			return;
		}
}

static void guardian_isolate(int *sock)
{
	static const int ign[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGPIPE};
	/* ipcsh's handlers would write to its self-pipe: drop them all (signals
	 * are blocked since before the fork). */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	for (size_t i = 0; i < ARRAY_LEN(ign); i++)
		signal(ign[i], SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	/* Shows as "ipcsh-guardian" in ps -o comm / pgrep, apart from ipcsh. */
	prctl(PR_SET_NAME, "ipcsh-guardian", 0, 0, 0);
	if (chdir("/") < 0) {
		/* Only to avoid pinning a mount; harmless if it fails. */
	}
	int s = fcntl(*sock, F_DUPFD_CLOEXEC, 3);
	if (s < 0)
		_exit(1);
	close_range(0, (unsigned)s - 1, 0);
	close_range((unsigned)s + 1, ~0u, 0);
	int dn = open("/dev/null", O_RDWR);
	if (dn == 0) {
		dup2(0, 1);
		dup2(0, 2);
	}
	*sock = s;
}

static _Noreturn void guardian_main(int sock)
{
	guardian_isolate(&sock);
	struct gname *list = NULL;
	size_t n = 0, cap = 0;
	char *buf = xmalloc(4096);
	size_t len = 0, bcap = 4096;
	for (;;) {
		if (len == bcap)
			buf = xrealloc(buf, bcap *= 2);
		ssize_t r = read(sock, buf + len, bcap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		size_t start = 0;
		char *z;
		while ((z = memchr(buf + start, '\0', len - start))) {
			guardian_record(&list, &n, &cap, buf + start);
			start = (size_t)(z - buf) + 1;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
	}
	/* Newest first: a FIFO goes before the directory that holds it. */
	while (n-- > 0)
		guardian_remove(list[n].kind, list[n].name);
	_exit(0);
}

/* ---- ipcsh's side ---- */

static int guard_spawn(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0 ? 1 : 0);
		guardian_main(sv[1]);
	}
	close(sv[1]);
	int st = 0;
	pid_t w;
	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	/* ECHILD: a SIGCHLD handler of the executor reaped it; then trust the socket. */
	if (w == pid && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		close(sv[0]);
		errno = EAGAIN;
		return -1;
	}
	guard_fd = sv[0];
	guard_owner = getpid();
	return 0;
}

/* A forked child of ipcsh (a command substitution, a test) that creates
 * names gets a guardian of its own: the parent's lives as long as the
 * parent, and the names it knows are the parent's. */
static void guard_check_fork(void)
{
	if (guard_fd < 0 || guard_owner == getpid())
		return;
	close(guard_fd);
	guard_fd = -1;
	for (size_t i = 0; i < nknown; i++)
		free(known[i].name);
	nknown = 0;
}

static int guard_send(char op, int kind, const char *name)
{
	size_t nl = strlen(name);
	char *rec = xmalloc(nl + 3);
	rec[0] = op;
	rec[1] = (char)kind;
	memcpy(rec + 2, name, nl + 1);
	const char *p = rec;
	size_t left = nl + 3;
	int rc = 0;
	while (left) {
		ssize_t w = send(guard_fd, p, left, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = -1;
			break;
		}
		p += w;
		left -= (size_t)w;
	}
	int e = errno;
	free(rec);
	errno = e;
	return rc;
}

/* Start a guardian (again) and tell it every name still known. */
static int guard_restart(void)
{
	if (guard_fd >= 0)
		close(guard_fd);
	guard_fd = -1;
	if (guard_spawn() < 0)
		return -1;
	for (size_t i = 0; i < nknown; i++)
		if (guard_send('+', known[i].kind, known[i].name) < 0)
			return -1;
	return 0;
}

int guard_add(int kind, const char *name)
{
	guard_check_fork();
	if (guard_fd < 0 && guard_restart() < 0)
		return -1;
	if (guard_send('+', kind, name) < 0) {
		/* The guardian was killed (EPIPE): a new one learns everything. */
		if (guard_restart() < 0 || guard_send('+', kind, name) < 0)
			return -1;
	}
	if (nknown == capknown) {
		capknown = capknown ? capknown * 2 : 8;
		known = xrealloc(known, capknown * sizeof *known);
	}
	known[nknown++] = (struct gname){kind, xstrdup(name)};
	return 0;
}

void guard_forget(int kind, const char *name)
{
	guard_check_fork();
	for (size_t i = nknown; i-- > 0;)
		if (known[i].kind == kind && strcmp(known[i].name, name) == 0) {
			free(known[i].name);
			memmove(known + i, known + i + 1, (--nknown - i) * sizeof *known);
			break;
		}
	if (guard_fd >= 0 && guard_send('-', kind, name) < 0) {
		/* Nothing to undo: a dead guardian forgets everything anyway. */
	}
}
