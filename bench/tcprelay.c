/* tcprelay.c — the floor under section 5 of `make bench`: the remote
 * stage's topology with no cipher, no framing and nothing of ipcsh.
 *
 *   tcprelay server PORTFILE ARGV...   listen on 127.0.0.1:0, write the port
 *                                      to PORTFILE, then serve connections one
 *                                      at a time: run ARGV with its stdin and
 *                                      stdout on 1 MiB pipes and copy socket
 *                                      -> stdin and stdout -> socket
 *   tcprelay client PORT               copy stdin -> socket and socket ->
 *                                      stdout
 *
 * Each direction is a thread doing read() and write() of up to 256 KiB (the
 * size of ipcsh's frames): the fewest system calls a relay can make, each
 * byte copied by the kernel exactly as ipcsh's client and ipcshd copy it
 * (pipe -> user -> TCP -> user -> pipe, both ways). Its CPU per GB, plus four
 * passes of the cipher at `ipcsh --bench --crypto`'s speed, is what any
 * encrypting relay on these hops costs at least. A connection is served in a
 * child that the server reaps, so the server's /proc stat counts it.
 *
 * Standalone on purpose (no libipcsh); built by bench/run.sh. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF (256u << 10)

struct copy {
	int from, to;
	bool sock_to; /* `to` is the socket: shut its write side at EOF */
};

static void *copy_loop(void *arg)
{
	struct copy *c = arg;
	char *buf = malloc(BUF);
	ssize_t n;
	while (buf && (n = read(c->from, buf, BUF)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t off = 0, w; off < n; off += w)
			if ((w = write(c->to, buf + off, (size_t)(n - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				goto out;
			}
	}
out:
	free(buf);
	if (c->sock_to)
		shutdown(c->to, SHUT_WR);
	else
		close(c->to);
	return NULL;
}

/* Both directions, the first in a thread of its own; returns when both end. */
static void relay(struct copy *a, struct copy *b)
{
	pthread_t t;
	if (pthread_create(&t, NULL, copy_loop, a) != 0) {
		perror("tcprelay: thread");
		exit(1);
	}
	copy_loop(b);
	pthread_join(t, NULL);
}

static void serve(int s, char **argv)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		perror("tcprelay: pipe");
		exit(1);
	}
	fcntl(in[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(out[1], F_SETPIPE_SZ, 1 << 20);
	pid_t p = fork();
	if (p == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	struct copy down = {s, in[1], false}, up = {out[0], s, true};
	relay(&down, &up);
	close(s);
	waitpid(p, NULL, 0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 4 && strcmp(argv[1], "server") == 0) {
		socklen_t al = sizeof a;
		int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0 ||
		    getsockname(l, (struct sockaddr *)&a, &al) < 0) {
			perror("tcprelay: listen");
			return 1;
		}
		FILE *f = fopen(argv[2], "w");
		if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0) {
			perror(argv[2]);
			return 1;
		}
		for (;;) {
			int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
			if (s < 0)
				continue;
			pid_t p = fork();
			if (p == 0) {
				close(l);
				serve(s, argv + 3);
				_exit(0);
			}
			close(s);
			if (p > 0)
				waitpid(p, NULL, 0);
		}
	}
	if (argc == 3 && strcmp(argv[1], "client") == 0) {
		a.sin_port = htons((uint16_t)atoi(argv[2]));
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
			perror("tcprelay: connect");
			return 1;
		}
		/* as ipcsh's client grows a default pipe on fd 0 or 1 */
		fcntl(0, F_SETPIPE_SZ, 1 << 20);
		fcntl(1, F_SETPIPE_SZ, 1 << 20);
		struct copy up = {0, s, true}, down = {s, 1, false};
		relay(&up, &down);
		return 0;
	}
	fprintf(stderr, "usage: tcprelay server PORTFILE ARGV... | tcprelay client PORT\n");
	return 2;
}
