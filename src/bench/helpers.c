/* helpers.c — the stages of a benchmark job: ipcsh itself in hidden modes.
 *
 *   ipcsh --bench --produce BYTES BLOCK FD   writes BYTES of the pattern to
 *        stdout in BLOCK-byte write()s; reports "P bytes t_start t_end" on FD
 *   ipcsh --bench --consume BYTES            reads stdin to EOF, compares every
 *        byte with the pattern; reports "C verified|MISMATCH bytes bad_offset
 *        t_first t_end" on stdout (the job redirects it to its result fd)
 *   ipcsh --bench --ping ROUNDS SIZE FD      writes a SIZE-byte message to
 *        stdout, waits for it to come back on stdin, ROUNDS times after a
 *        warm-up; reports "L rounds median_us p99_us min_us max_us" on FD
 *   ipcsh --bench --echo SIZE                copies SIZE-byte messages from
 *        stdin to stdout until EOF
 *
 * Times are CLOCK_MONOTONIC nanoseconds, comparable between processes. */
#include "internal.h"
#include "../../include/ipcsh/ring.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CONSUME_BUF = 1 << 20, PING_TIMEOUT_MS = 5000 };

int bench_arg_size(const char *what, const char *s, uint64_t *out)
{
	if (parse_size(s, out) < 0) {
		msg_err("--bench %s: bad size '%s'", what, s);
		return -1;
	}
	return 0;
}

static int arg_fd(const char *what, const char *s, int *out)
{
	uint64_t v;
	if (parse_size(s, &v) < 0 || v > 1024) {
		msg_err("--bench %s: bad fd '%s'", what, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static void report(int fd, const char *fmt, ...) PRINTF(2, 3);
static void report(int fd, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* One write of a short line: atomic on a pipe, so reports of the
	 * stages of one job never interleave. */
	if (write_all(fd, sb.buf, sb.len) < 0)
		msg_errno("--bench: cannot write the report");
	sb_free(&sb);
}

int bench_produce(int argc, char **argv)
{
	uint64_t bytes, block;
	int fd;
	if (argc != 4) {
		msg_err("--bench --produce: usage: BYTES BLOCK FD");
		return 2;
	}
	if (bench_arg_size("--produce", argv[1], &bytes) < 0 || bench_arg_size("--produce", argv[2], &block) < 0 ||
	    arg_fd("--produce", argv[3], &fd) < 0 || block == 0)
		return 2;
	char *pat = pattern_new(block);
	uint64_t t0 = now_ns();
	ipcsh_ring *r = bench_ring_wanted() ? ipcsh_ring_stdout() : NULL;
	if (r) {
		int rc = bench_ring_produce(r, pat, bytes, block);
		uint64_t t1 = now_ns();
		free(pat);
		if (!rc)
			report(fd, "P %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", bytes, t0, t1);
		return rc;
	}
	for (uint64_t off = 0; off < bytes;) {
		size_t n = (size_t)(bytes - off < block ? bytes - off : block);
		if (write_all(1, pat + off % PATTERN_PERIOD, n) < 0) {
			msg_errno("bench producer: cannot write at offset %" PRIu64, off);
			free(pat);
			return 1;
		}
		off += n;
	}
	uint64_t t1 = now_ns();
	free(pat);
	report(fd, "P %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", bytes, t0, t1);
	return 0;
}

/* Offset of the first byte where a and b differ (n if none). */
static size_t first_diff(const char *a, const char *b, size_t n)
{
	size_t i = 0;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

int bench_consume(int argc, char **argv)
{
	uint64_t bytes;
	if (argc != 2) {
		msg_err("--bench --consume: usage: BYTES");
		return 2;
	}
	if (bench_arg_size("--consume", argv[1], &bytes) < 0)
		return 2;
	char *pat = pattern_new(CONSUME_BUF);
	char *buf = xmalloc(CONSUME_BUF);
	uint64_t off = 0, bad = UINT64_MAX, t_first = 0;
	int rc = 0;
	ipcsh_ring *r = bench_ring_wanted() ? ipcsh_ring_stdin() : NULL;
	if (r)
		rc = bench_ring_consume(r, pat, bytes, &off, &bad, &t_first);
	while (!r) {
		ssize_t n = read(0, buf, CONSUME_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			msg_errno("bench consumer: cannot read at offset %" PRIu64, off);
			rc = 1;
			break;
		}
		if (n == 0)
			break;
		if (!t_first)
			t_first = now_ns();
		/* Keep reading after a mismatch so the count is still exact and
		 * the producer is not killed by SIGPIPE. */
		if (bad == UINT64_MAX) {
			size_t m = (size_t)n;
			if (off + m > bytes)
				bad = bytes;
			else if (memcmp(buf, pat + off % PATTERN_PERIOD, m) != 0)
				bad = off + first_diff(buf, pat + off % PATTERN_PERIOD, m);
		}
		off += (uint64_t)n;
	}
	uint64_t t_end = now_ns();
	if (bad == UINT64_MAX && off != bytes)
		bad = off;
	bool ok = rc == 0 && bad == UINT64_MAX;
	report(1, "C %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", ok ? "verified" : "MISMATCH",
	       off, ok ? 0 : bad, t_first, t_end);
	free(pat);
	free(buf);
	return ok ? 0 : 1;
}

/* Read exactly len bytes, giving up after PING_TIMEOUT_MS without data
 * (the echo stage died but someone still holds the back channel open). */
static int read_exact(int fd, char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int k = poll(&p, 1, PING_TIMEOUT_MS);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPIPE;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static void ping_message(char *msg, size_t size, unsigned i)
{
	memset(msg, '.', size);
	char head[32];
	int k = snprintf(head, sizeof head, "ping %010u ", i);
	memcpy(msg, head, (size_t)k < size ? (size_t)k : size);
	msg[size - 1] = '\n'; /* a whole line, so mq:lines sends it at once */
}

int bench_ping(int argc, char **argv)
{
	uint64_t rounds, size;
	int fd;
	if (argc != 4) {
		msg_err("--bench --ping: usage: ROUNDS SIZE FD");
		return 2;
	}
	if (bench_arg_size("--ping", argv[1], &rounds) < 0 || bench_arg_size("--ping", argv[2], &size) < 0 ||
	    arg_fd("--ping", argv[3], &fd) < 0)
		return 2;
	if (rounds == 0 || size < 16 || size > 65536) {
		msg_err("--bench --ping: rounds must be > 0 and size 16..65536");
		return 2;
	}
	unsigned warm = rounds / 10 < 20 ? 20 : (unsigned)(rounds / 10);
	char *msg = xmalloc(size), *back = xmalloc(size);
	double *us = xcalloc(rounds, sizeof *us);
	int rc = 0;
	ipcsh_ring *r = bench_ring_wanted() ? ipcsh_ring_stdout() : NULL;
	for (unsigned i = 0; i < warm + rounds; i++) {
		ping_message(msg, size, i);
		uint64_t t0 = now_ns();
		ssize_t w = r ? ipcsh_ring_write(r, msg, size) : write_all(1, msg, size);
		if (w < 0 || read_exact(0, back, size) < 0) {
			msg_errno("bench ping: round %u", i);
			rc = 1;
			break;
		}
		uint64_t t1 = now_ns();
		if (memcmp(msg, back, size) != 0) {
			msg_err("bench ping: round %u: the message came back changed", i);
			rc = 1;
			break;
		}
		if (i >= warm)
			us[i - warm] = (double)(t1 - t0) / 1e3;
	}
	if (rc == 0) {
		double lo = stat_min(us, rounds), hi = stat_max(us, rounds);
		double p99 = stat_quantile(us, rounds, 0.99), med = stat_median(us, rounds);
		report(fd, "L %" PRIu64 " %.3f %.3f %.3f %.3f\n", rounds, med, p99, lo, hi);
	}
	if (r)
		(void)ipcsh_ring_close(r);
	free(msg);
	free(back);
	free(us);
	return rc;
}

int bench_echo(int argc, char **argv)
{
	uint64_t size;
	if (argc != 2) {
		msg_err("--bench --echo: usage: SIZE");
		return 2;
	}
	if (bench_arg_size("--echo", argv[1], &size) < 0 || size == 0 || size > 65536)
		return 2;
	char *buf = xmalloc(size);
	int rc = 0;
	ipcsh_ring *r = bench_ring_wanted() ? ipcsh_ring_stdin() : NULL;
	for (;;) {
		const void *p = buf;
		ssize_t n = r ? ipcsh_ring_peek(r, &p, size) : read_full(0, buf, size);
		if (n == 0)
			break;
		if (n < 0 || (uint64_t)n != size) {
			if (n < 0)
				msg_errno("bench echo: cannot read");
			else
				msg_err("bench echo: a message was cut short");
			rc = 1;
			break;
		}
		if (write_all(1, p, size) < 0) {
			msg_errno("bench echo: cannot write");
			rc = 1;
			break;
		}
		if (r)
			(void)ipcsh_ring_release(r, size);
	}
	if (r)
		(void)ipcsh_ring_close(r);
	free(buf);
	return rc;
}
