/* ringpeer.c — a producer or consumer for the ring tests: uses libipcsh's
 * ring when ipcsh hands one over, read/write on fd 0/1 otherwise.
 *
 *   ringpeer prod N [REC]   write N bytes of a known stream, REC at a time
 *   ringpeer prod-forever   write until EPIPE; prints "EPIPE" to stderr
 *   ringpeer prod-die N     commit N bytes, then SIGKILL itself
 *   ringpeer prod-corrupt N commit N bytes, then write a head beyond the
 *                           ring into the shared header and wait (hostile)
 *   ringpeer cons [REC]     read to EOF, check the stream, print "BYTES ok"
 *                           (or "BYTES bad"/"BYTES EIO" ... and exit 1)
 *   ringpeer cons-head K    read K bytes, close, wait a moment, exit 0
 *   ringpeer cons-die K     read K bytes, then SIGKILL itself
 * Environment: RINGPEER_NOTE=FILE appends "prod ring|fd" / "cons ring|fd";
 * RINGPEER_HOLD=FILE waits for FILE to exist after attaching;
 * RINGPEER_WAIT_CONS=1 (prod-die, prod-corrupt) waits for the consumer's note;
 * RINGPEER_FD=1 never asks for the ring; RINGPEER_PRE=N (prod) writes N
 * bytes to fd 1 before asking; RINGPEER_DELAY_MS=N sleeps before asking. */
#include <errno.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/internal.h" /* prod-corrupt reaches into the shared header */

static uint8_t byte_at(uint64_t i)
{
	return (uint8_t)(i * 131u + (i >> 12) + 7u);
}

static void fill(uint8_t *p, uint64_t from, size_t n)
{
	for (size_t k = 0; k < n; k++)
		p[k] = byte_at(from + k);
}

static void note(const char *role, const ipcsh_ring *ring)
{
	const char *f = getenv("RINGPEER_NOTE");
	if (f) {
		FILE *fp = fopen(f, "a");
		if (fp) {
			fprintf(fp, "%s %s%s\n", role, ring ? "ring" : "fd",
				ring && ipcsh_ring_mode(ring) == IPCSH_RING_SPIN ? " spin" : "");
			fclose(fp);
		}
	}
	const char *h = getenv("RINGPEER_HOLD");
	while (h && access(h, F_OK) != 0)
		usleep(10000);
}

static void delay(void)
{
	const char *d = getenv("RINGPEER_DELAY_MS");
	if (d)
		usleep((useconds_t)atoi(d) * 1000u);
}

static int write_fd(const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ipcsh_ring *get_out(void)
{
	delay();
	return getenv("RINGPEER_FD") ? NULL : ipcsh_ring_stdout();
}

/* Produce `total` bytes (UINT64_MAX: forever), rec at a time. */
/* Has the consumer written its note (it has asked for its ring)? */
static int consumer_noted(void)
{
	const char *f = getenv("RINGPEER_NOTE");
	FILE *fp = f ? fopen(f, "r") : NULL;
	char line[64];
	int found = !f || !getenv("RINGPEER_WAIT_CONS");
	while (fp && !found && fgets(line, sizeof line, fp))
		found = strncmp(line, "cons", 4) == 0;
	if (fp)
		fclose(fp);
	return found;
}

/* With RINGPEER_WAIT_CONS, wait (at most 20 s) for the consumer to have
 * asked for its ring before dying or corrupting it: else a late consumer
 * may find the stream already relayed into its pipe. */
static void wait_consumer(void)
{
	for (int i = 0; i < 2000 && !consumer_noted(); i++)
		usleep(10000);
}

/* The hostile producer: a head two rings ahead of what it wrote. */
static void corrupt(ipcsh_ring *r)
{
	_Atomic uint64_t *head = (_Atomic uint64_t *)r->r.sh; /* the header's first field */
	atomic_store(head, atomic_load(head) + 2 * r->r.size);
	sleep(3); /* alive: the consumer must not wait for a death */
}

static int produce(uint64_t total, size_t rec, int die)
{
	uint64_t sent = 0;
	const char *pre = getenv("RINGPEER_PRE");
	uint8_t *buf = malloc(rec);
	if (!buf)
		return 2;
	if (pre) {
		uint64_t n = strtoull(pre, NULL, 10);
		while (sent < n) {
			size_t k = n - sent < rec ? (size_t)(n - sent) : rec;
			fill(buf, sent, k);
			if (write_fd(buf, k) < 0)
				return 1;
			sent += k;
		}
	}
	ipcsh_ring *r = get_out();
	note("prod", r);
	if (r && rec > ipcsh_ring_capacity(r))
		rec = ipcsh_ring_capacity(r);
	while (sent < total) {
		size_t k = total - sent < rec ? (size_t)(total - sent) : rec;
		if (r) {
			void *p;
			ssize_t got = ipcsh_ring_reserve(r, &p, k);
			if (got < 0)
				goto failed;
			fill(p, sent, k);
			if (ipcsh_ring_commit(r, k) < 0)
				goto failed;
		} else {
			fill(buf, sent, k);
			if (write_fd(buf, k) < 0)
				goto failed;
		}
		sent += k;
	}
	if (die)
		wait_consumer();
	if (die == 2 && r)
		corrupt(r);
	if (die == 1)
		raise(SIGKILL);
	free(buf);
	return r && ipcsh_ring_close(r) < 0 ? 1 : 0;
failed:
	fprintf(stderr, "%s\n", errno == EPIPE ? "EPIPE" : strerror(errno));
	free(buf);
	return errno == EPIPE ? 0 : 1;
}

/* Consume to EOF (or `limit` bytes), checking the stream. */
static int consume(uint64_t limit, size_t rec, int die)
{
	delay();
	ipcsh_ring *r = getenv("RINGPEER_FD") ? NULL : ipcsh_ring_stdin();
	note("cons", r);
	uint8_t *buf = malloc(rec);
	uint64_t got = 0;
	int bad = 0, err = 0;
	while (got < limit && buf) {
		const uint8_t *p = buf;
		ssize_t n;
		if (r) {
			const void *q;
			n = ipcsh_ring_peek(r, &q, 1);
			p = q;
		} else {
			n = read(0, buf, rec);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0)
			break;
		if ((uint64_t)n > limit - got)
			n = (ssize_t)(limit - got);
		for (ssize_t k = 0; k < n && !bad; k++)
			bad = p[k] != byte_at(got + (uint64_t)k);
		got += (uint64_t)n;
		if (r && ipcsh_ring_release(r, (size_t)n) < 0)
			err = errno;
		if (bad || err)
			break;
	}
	free(buf);
	if (die)
		raise(SIGKILL);
	if (limit != UINT64_MAX) {
		if (r)
			(void)ipcsh_ring_close(r);
		else
			close(0);
		usleep(200000);
	}
	printf("%llu %s\n", (unsigned long long)got,
	       bad ? "bad" : err == EIO ? "EIO" : err == EPROTO ? "EPROTO" : err ? strerror(err) : "ok");
	return bad || err;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *m = argv[1];
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 0;
	size_t rec = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 65536;
	if (!rec)
		return 2;
	if (strcmp(m, "prod") == 0)
		return produce(n, rec, 0);
	if (strcmp(m, "prod-forever") == 0)
		return produce(UINT64_MAX, 4096, 0);
	if (strcmp(m, "prod-die") == 0)
		return produce(n, 4096, 1);
	if (strcmp(m, "prod-corrupt") == 0)
		return produce(n, 4096, 2);
	if (strcmp(m, "cons") == 0)
		return consume(UINT64_MAX, argc > 2 ? (size_t)n : 65536, 0);
	if (strcmp(m, "cons-head") == 0)
		return consume(n, 4096, 0);
	if (strcmp(m, "cons-die") == 0)
		return consume(n, 4096, 1);
	return 2;
}
