/* tcpref.c — the reference for the `tcp` edge in `make bench`: two programs
 * joined by a plain TCP loopback connection, set up the simplest way
 * (listen on 127.0.0.1:0, connect, accept), with nothing of ipcsh in
 * between. `tcpref ARGV1... '|' ARGV2...` runs ARGV1 with its stdout on the
 * connecting socket and ARGV2 with its stdin on the accepted one, waits for
 * both and exits with ARGV2's status (else ARGV1's).
 *
 * Built by bench/run.sh with the system compiler; standalone on purpose
 * (no libipcsh), so it measures only the kernel's loopback path. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t run(char **argv, int in, int out)
{
	pid_t p = fork();
	if (p != 0)
		return p;
	if (in >= 0)
		dup2(in, 0);
	if (out >= 0)
		dup2(out, 1);
	execvp(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

static int status_of(pid_t p)
{
	int st = 0;
	if (waitpid(p, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	int bar = 1;
	while (bar < argc && strcmp(argv[bar], "|") != 0)
		bar++;
	if (bar < 2 || bar >= argc - 1) {
		fprintf(stderr, "usage: tcpref ARGV1... '|' ARGV2...\n");
		return 2;
	}
	argv[bar] = NULL;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) < 0 ||
	    connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("tcpref: loopback connection");
		return 1;
	}
	int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0) {
		perror("tcpref: accept");
		return 1;
	}
	close(l);
	pid_t p1 = run(argv + 1, -1, c);
	pid_t p2 = run(argv + bar + 1, s, -1);
	close(c);
	close(s);
	int s1 = status_of(p1), s2 = status_of(p2);
	return s2 ? s2 : s1;
}
