/* pipepair.c — the references `make bench` holds libipcsh's ring against,
 * with the same work per byte as ipcsh's bench stages (the producer copies
 * a 64-byte-line pattern out, the consumer compares every byte with it):
 *
 *   pipepair pipe BYTES BLOCK   a C producer and consumer (fork) over one
 *                               pipe of 1 MiB (F_SETPIPE_SZ): BLOCK-byte
 *                               write()s, 1 MiB read()s
 *   pipepair memcpy BYTES       the same bytes copied and compared in one
 *                               process, 1 MiB at a time
 * Prints "BYTES verified|MISMATCH"; exits 1 on a mismatch. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { LINE = 64, PERIOD = LINE * 1021, MIB = 1 << 20 };

/* The pattern, PERIOD + span bytes: any [off % PERIOD, +span) is inside. */
static char *pattern(size_t span)
{
	char *p = malloc(PERIOD + span);
	if (!p)
		exit(2);
	for (size_t i = 0; i < PERIOD + span; i++) {
		size_t l = (i % PERIOD) / LINE, c = i % LINE;
		p[i] = c == LINE - 1 ? '\n' : (char)('a' + (l + c) % 26);
	}
	return p;
}

static int produce(int fd, uint64_t bytes, size_t block)
{
	char *pat = pattern(block);
	for (uint64_t off = 0; off < bytes;) {
		size_t n = bytes - off < block ? (size_t)(bytes - off) : block;
		ssize_t w = write(fd, pat + off % PERIOD, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return 1;
		off += (uint64_t)w;
	}
	free(pat);
	return 0;
}

/* Compare a run of the stream at offset off; 0 when it matches. */
static int check(const char *pat, const char *buf, uint64_t off, size_t n)
{
	return memcmp(buf, pat + off % PERIOD, n) != 0;
}

static int consume(int fd, uint64_t bytes)
{
	char *pat = pattern(MIB), *buf = malloc(MIB);
	uint64_t off = 0;
	int bad = !buf;
	while (buf) {
		ssize_t n = read(fd, buf, MIB);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		bad |= check(pat, buf, off, (size_t)n);
		off += (uint64_t)n;
	}
	bad |= off != bytes;
	printf("%llu %s\n", (unsigned long long)off, bad ? "MISMATCH" : "verified");
	return bad;
}

static int run_pipe(uint64_t bytes, size_t block)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 2;
	if (fcntl(p[1], F_SETPIPE_SZ, MIB) < 0)
		fprintf(stderr, "pipepair: no 1 MiB pipe: %s\n", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(produce(p[1], bytes, block));
	}
	close(p[1]);
	int rc = consume(p[0], bytes), st;
	waitpid(pid, &st, 0);
	return rc || !WIFEXITED(st) || WEXITSTATUS(st);
}

static int run_memcpy(uint64_t bytes)
{
	char *pat = pattern(MIB), *dst = malloc(MIB), *chk = pattern(MIB);
	int bad = !dst;
	for (uint64_t off = 0; off < bytes && dst;) {
		size_t n = bytes - off < MIB ? (size_t)(bytes - off) : MIB;
		memcpy(dst, pat + off % PERIOD, n);
		bad |= check(chk, dst, off, n);
		off += n;
	}
	printf("%llu %s\n", (unsigned long long)bytes, bad ? "MISMATCH" : "verified");
	return bad;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "memcpy"))
		return run_memcpy(strtoull(argv[2], NULL, 10));
	if (argc >= 4 && !strcmp(argv[1], "pipe")) {
		size_t block = (size_t)strtoull(argv[3], NULL, 10);
		if (block < 1 || block > MIB)
			return 2;
		return run_pipe(strtoull(argv[2], NULL, 10), block);
	}
	fprintf(stderr, "usage: pipepair pipe BYTES BLOCK | pipepair memcpy BYTES\n");
	return 2;
}
