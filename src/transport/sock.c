/* sock.c — the `sock` transport: socketpair(AF_UNIX, SOCK_STREAM).
 *
 * sv[0] is the producer's end, sv[1] the consumer's. Each end is shut down
 * in the direction it does not use, so the stream is one-way like a pipe:
 * the consumer reads EOF once every copy of sv[0] is closed (the producer
 * exited and ipcsh released its copy), and a producer writing after the
 * consumer closed sv[1] gets EPIPE/SIGPIPE. No name, nothing to clean up
 * beyond two fds.
 *
 * One subtlety: a Unix socket closed with unread data makes the writer's
 * next write fail with ECONNRESET (no SIGPIPE), so `yes |[sock] head -1`
 * would end with "yes: Connection reset by peer" and status 1. ipcsh
 * therefore keeps its own copy of the consumer's end (the holder) until the
 * consumer has been reaped, then shuts it down for reading: the producer's
 * next write fails with EPIPE and SIGPIPE. A producer already blocked in a
 * write to the socket would get a bare EPIPE from the kernel (no signal),
 * so when /proc shows the producer blocked writing to this very socket,
 * ipcsh sends it the SIGPIPE a pipe would have sent (if it ignores SIGPIPE
 * it gets EPIPE, as with a pipe). A producer that /proc shows running
 * may be about to block on the full socket: ipcsh looks again for up to
 * 10 ms, until it sleeps somewhere (that race gave `yes` a bare EPIPE in
 * about one run in fifteen under ASan). The holder is closed when the
 * pipeline ends.
 */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct sock_priv {
	int holder;     /* ipcsh's copy of the consumer's end */
	ino_t wino;     /* inode of the producer's end, to recognise it in /proc */
};

static int sock_prepare(struct edge *e, struct errbuf *err)
{
	char label[64];
	int sv[2];
	edge_label(e, label, sizeof label);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		errbuf_set(err, "%s: cannot create socket pair: %s", label, strerror(errno));
		return -1;
	}
	fault_point("sock-pair");
	if (shutdown(sv[0], SHUT_RD) < 0 || shutdown(sv[1], SHUT_WR) < 0) {
		errbuf_set(err, "%s: cannot shut down socket: %s", label, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	bool given = e->spec.set & EOPT_BUF;
	uint64_t want = given ? e->spec.buf : SOCK_DEFAULT_BUF;
	/* what the kernel kept is read back and shown */
	(void)sockbuf_set(sv[0], SO_SNDBUF, want, given);
	(void)sockbuf_set(sv[1], SO_RCVBUF, want, given);
	int snd = sockbuf_get(sv[0], SO_SNDBUF), rcv = sockbuf_get(sv[1], SO_RCVBUF);
	if (snd < 0 || rcv < 0) {
		errbuf_set(err, "%s: cannot set buf=%llu: %s", label,
			   (unsigned long long)e->spec.buf, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	/* The kernel reports twice the size asked for (bookkeeping overhead);
	 * show what the user would write to get it. */
	char a[32], b[32];
	format_size((uint64_t)snd / 2, a, sizeof a);
	format_size((uint64_t)rcv / 2, b, sizeof b);
	if (strcmp(a, b) == 0)
		snprintf(e->actual, sizeof e->actual, "buf=%s", a);
	else
		snprintf(e->actual, sizeof e->actual, "buf=%s/%s", a, b);
	int holder = fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
	if (holder < 0) {
		errbuf_set(err, "%s: cannot duplicate socket: %s", label, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	struct stat st;
	struct sock_priv *h = xcalloc(1, sizeof *h);
	h->holder = holder;
	h->wino = fstat(sv[0], &st) == 0 ? st.st_ino : 0;
	e->wfd = sv[0];
	e->rfd = sv[1];
	e->priv = h;
	return 0;
}

static void sock_release(struct edge *e)
{
	if (e->wfd >= 0)
		close(e->wfd);
	if (e->rfd >= 0)
		close(e->rfd);
	e->wfd = e->rfd = -1;
}

enum producer_state { P_WRITING, P_ELSEWHERE, P_RUNNING };

/* Where pid is: blocked in a write-like system call on the socket with
 * inode ino, asleep in something else (or gone), or running (on a CPU,
 * where /proc cannot say what it is about to do). */
static enum producer_state producer_state(pid_t pid, ino_t ino)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return P_ELSEWHERE;
	char word[16] = "";
	unsigned long fd = 0;
	int n = fscanf(f, "%15s %lx", word, &fd);
	fclose(f);
	if (n >= 1 && strcmp(word, "running") == 0)
		return P_RUNNING;
	char *end;
	long nr = strtol(word, &end, 10);
	/* write, writev, sendto, sendmsg, splice, sendfile */
	if (n != 2 || *end || !(nr == 1 || nr == 20 || nr == 44 || nr == 46 || nr == 275 || nr == 40))
		return P_ELSEWHERE;
	if (nr == 275) /* splice(fd_in, off_in, fd_out, ...): the socket is the output */
		return P_WRITING;
	snprintf(path, sizeof path, "/proc/%ld/fd/%lu", (long)pid, fd);
	struct stat st;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == ino ? P_WRITING : P_ELSEWHERE;
}

static void sock_consumer_exit(struct edge *e)
{
	struct sock_priv *h = e->priv;
	if (!h || h->holder < 0)
		return;
	/* A producer on a CPU may be about to block on the full socket, and
	 * would then get the bare EPIPE: give it a few milliseconds to settle
	 * (a producer just started fills the buffer in well under one). */
	for (int tries = 0; e->producer_pid > 0 && h->wino; tries++) {
		enum producer_state ps = producer_state(e->producer_pid, h->wino);
		if (ps == P_WRITING)
			kill(e->producer_pid, SIGPIPE);
		if (ps != P_RUNNING || tries == 40)
			break;
		nanosleep(&(struct timespec){0, 250000}, NULL);
	}
	if (shutdown(h->holder, SHUT_RD) < 0) {
		/* Already shut down: nothing more to do. */
	}
}

static void sock_finish(struct edge *e)
{
	struct sock_priv *h = e->priv;
	if (h && h->holder >= 0)
		close(h->holder);
	free(h);
	e->priv = NULL;
}

const struct transport_ops transport_sock = {
	.name = "sock",
	.prepare = sock_prepare,
	.release = sock_release,
	.consumer_exit = sock_consumer_exit,
	.finish = sock_finish,
	.count_at_producer = true,
};
