/* psubref.c — the floor under section 8 of `make bench`: a process
 * substitution graph with no shell at all.
 *
 *   psubref CONSUMER... '|' PRODUCER1... ['|' PRODUCER2...]
 *
 * runs each PRODUCER with its stdout on a pipe of the default size (what
 * bash gives `<(…)`), and CONSUMER with every word @1, @2... replaced by
 * /dev/fd/N, the read end of that producer's pipe; waits for them all and
 * exits with the consumer's status. `psubref paste @1 @2 '|' cat F '|' cat
 * F` is `paste <(cat F) <(cat F)` as the kernel sees it: the same three
 * processes and pipes, nothing else running. A shell cannot do less, so
 * bash's and ipcsh's times over this one tell what each shell adds.
 *
 * Standalone on purpose (no libipcsh); built by bench/run.sh. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXP 8

int main(int argc, char **argv)
{
	char **part[MAXP + 1];
	int np = 0;
	part[np++] = argv + 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "|") == 0) {
			argv[i] = NULL;
			if (np > MAXP || i + 1 >= argc) {
				np = 0;
				break;
			}
			part[np++] = argv + i + 1;
		}
	if (np < 2 || !part[0][0]) {
		fprintf(stderr, "usage: psubref CONSUMER... '|' PRODUCER... ['|' PRODUCER...]\n");
		return 2;
	}
	int rd[MAXP];
	char path[MAXP][32];
	pid_t pids[MAXP + 1];
	for (int i = 1; i < np; i++) {
		int p[2];
		if (pipe(p) < 0) {
			perror("psubref: pipe");
			return 1;
		}
		fcntl(p[0], F_SETFD, FD_CLOEXEC);
		if ((pids[i] = fork()) == 0) {
			dup2(p[1], 1);
			close(p[1]);
			execvp(part[i][0], part[i]);
			perror(part[i][0]);
			_exit(127);
		}
		close(p[1]);
		rd[i] = p[0];
		snprintf(path[i], sizeof path[i], "/dev/fd/%d", p[0]);
	}
	for (char **w = part[0]; *w; w++)
		if ((*w)[0] == '@') {
			int k = atoi(*w + 1);
			if (k >= 1 && k < np)
				*w = path[k];
		}
	if ((pids[0] = fork()) == 0) {
		for (int i = 1; i < np; i++)
			fcntl(rd[i], F_SETFD, 0);
		execvp(part[0][0], part[0]);
		perror(part[0][0]);
		_exit(127);
	}
	for (int i = 1; i < np; i++)
		close(rd[i]);
	int st = 0, rc = 1;
	if (waitpid(pids[0], &st, 0) == pids[0])
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	for (int i = 1; i < np; i++)
		waitpid(pids[i], NULL, 0);
	return rc;
}
