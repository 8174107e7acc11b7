/* test_ring.c — the SPSC ring (src/transport/ring.c): sizes, full/empty,
 * wrap-around, EOF, reader-gone, timed waits, and two-process stress runs
 * with checksums (CPUs apart, and both on one CPU where nobody may spin). */
#include "tap.h"
#include "transport/ring.h"

#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_basics(void)
{
	TAP_OK(ring_round_size(0) == 4096 && ring_round_size(4097) == 8192 &&
		       ring_round_size(1u << 20) == (1u << 20) && ring_round_size((1ull << 30) + 1) == 0,
	       "sizes round up to a power of two within [4K, 1G]");
	struct ring r;
	TAP_OK(ring_create(&r, 5000) < 0, "a size that is not a power of two is refused");
	if (ring_create(&r, 4096) < 0) {
		TAP_OK(0, "ring_create");
		return;
	}
	struct ring p = r, c = r; /* producer and consumer views, as after fork */
	const void *src;
	void *dst;
	TAP_OK(ring_peek(&c, &src) == 0 && !ring_eof(&c), "new ring: empty, not at EOF");
	TAP_OK(!ring_wait_data(&c, 20), "waiting on an empty ring times out");
	size_t n = ring_reserve(&p, &dst);
	TAP_OK(n == 4096, "empty ring: all 4096 bytes reservable (%zu)", n);
	memset(dst, 'a', 4096);
	ring_commit(&p, 4096);
	TAP_OK(ring_reserve(&p, &dst) == 0, "full ring: nothing to reserve");
	TAP_OK(!ring_wait_space(&p, 20), "waiting on a full ring times out");
	TAP_OK(ring_peek(&c, &src) == 4096, "full ring: 4096 readable");
	ring_consume(&c, 1000);
	n = ring_reserve(&p, &dst);
	TAP_OK(n == 1000 && dst == r.data, "after consuming 1000: 1000 free at the start (wrap)");
	memset(dst, 'b', n);
	ring_commit(&p, n);
	n = ring_peek(&c, &src);
	TAP_OK(n == 3096 && src == r.data + 1000, "wrap: readable part runs to the end of the buffer");
	ring_consume(&c, n);
	n = ring_peek(&c, &src);
	TAP_OK(n == 1000 && src == r.data && ((const char *)src)[999] == 'b', "wrap: then the start");
	ring_consume(&c, n);
	TAP_OK(ring_head(&r) == 5096 && ring_tail(&r) == 5096, "free-running counters (5096)");

	/* EOF with bytes left: readable first, then EOF. */
	n = ring_reserve(&p, &dst);
	memcpy(dst, "xyz", 3);
	ring_commit(&p, 3);
	ring_close_write(&p);
	TAP_OK(!ring_eof(&c) && ring_peek(&c, &src) == 3, "EOF: pending bytes are still read");
	ring_consume(&c, 3);
	TAP_OK(ring_eof(&c) && ring_wait_data(&c, 1000), "EOF after the last byte; waits return at once");

	/* Reader gone wakes a producer waiting on a full ring. */
	struct ring r2;
	if (ring_create(&r2, 4096) == 0) {
		struct ring p2 = r2, c2 = r2;
		n = ring_reserve(&p2, &dst);
		ring_commit(&p2, n);
		ring_close_read(&c2);
		TAP_OK(ring_reader_gone(&p2) && ring_wait_space(&p2, 1000), "reader gone: the producer stops waiting");
		/* A ring kept for the next pipeline (shm.c's spare): new again. */
		ring_close_write(&p2);
		ring_reset(&r2);
		p2 = r2;
		c2 = r2;
		TAP_OK(!ring_reader_gone(&p2) && !ring_eof(&c2) && ring_peek(&c2, &src) == 0 &&
			       ring_head(&r2) == 0 && ring_tail(&r2) == 0,
		       "ring_reset: empty, no EOF, no reader gone, counters at 0");
		n = ring_reserve(&p2, &dst);
		TAP_OK(n == 4096 && dst == r2.data, "ring_reset: all of it reservable from the start");
		memcpy(dst, "ok", 2);
		ring_commit(&p2, 2);
		TAP_OK(ring_peek(&c2, &src) == 2 && memcmp(src, "ok", 2) == 0, "ring_reset: and it streams");
		ring_destroy(&r2);
	}
	ring_destroy(&r);
}

/* Producer: `total` bytes of a PRNG stream in random-sized commits. */
static void stress_produce(struct ring *r, uint64_t total, uint64_t seed)
{
	uint64_t s = seed, cs = seed ^ 0x5bd1e995u, left = total, v = 0;
	unsigned have = 0;
	while (left) {
		void *dst;
		size_t n = ring_reserve(r, &dst);
		if (!n) {
			ring_wait_space(r, -1);
			continue;
		}
		size_t want = 1 + (size_t)(xs(&cs) % 70000); /* own stream: bytes do not depend on chunking */
		if (n > want)
			n = want;
		if (n > left)
			n = (size_t)left;
		unsigned char *d = dst;
		for (size_t i = 0; i < n; i++) {
			if (!have) {
				v = xs(&s);
				have = 8;
			}
			d[i] = (unsigned char)v;
			v >>= 8;
			have--;
		}
		ring_commit(r, n);
		left -= n;
	}
	ring_close_write(r);
}

/* Consumer: hash everything until EOF; returns the FNV-1a hash, *bytes. */
static uint64_t stress_consume(struct ring *r, uint64_t seed, uint64_t *bytes)
{
	uint64_t h = 1469598103934665603u, s = seed, got = 0;
	for (;;) {
		const void *src;
		size_t n = ring_peek(r, &src);
		if (!n) {
			if (ring_eof(r))
				break;
			ring_wait_data(r, -1);
			continue;
		}
		size_t want = 1 + (size_t)(xs(&s) % 50000);
		if (n > want)
			n = want;
		const unsigned char *b = src;
		for (size_t i = 0; i < n; i++)
			h = (h ^ b[i]) * 1099511628211u;
		ring_consume(r, n);
		got += n;
	}
	*bytes = got;
	return h;
}

static uint64_t expected_hash(uint64_t total, uint64_t seed)
{
	uint64_t h = 1469598103934665603u, s = seed, v = 0;
	unsigned have = 0;
	for (uint64_t i = 0; i < total; i++) {
		if (!have) {
			v = xs(&s);
			have = 8;
		}
		h = (h ^ (unsigned char)v) * 1099511628211u;
		v >>= 8;
		have--;
	}
	return h;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof set, &set);
}

/* A producer process and a consumer process over one ring. */
static void stress_run(uint64_t size, uint64_t total, bool same_cpu, bool spin)
{
	ring_spin_policy(spin ? 2 : 4);
	struct ring r;
	if (ring_create(&r, size) < 0) {
		TAP_OK(0, "ring_create %llu", (unsigned long long)size);
		return;
	}
	uint64_t seed = 0x2545f4914f6cdd1du;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(120); /* a lost wake-up would hang: make it a failure */
		if (same_cpu)
			pin(0);
		stress_produce(&r, total, seed);
		_exit(0);
	}
	alarm(120);
	if (same_cpu)
		pin(0);
	uint64_t bytes;
	uint64_t h = stress_consume(&r, seed ^ 0xabcdef, &bytes);
	alarm(0);
	int st;
	waitpid(pid, &st, 0);
	cpu_set_t all;
	CPU_ZERO(&all);
	for (int i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof all, &all);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && bytes == total && h == expected_hash(total, seed),
	       "two processes, ring %llu, %llu bytes%s%s: checksum matches",
	       (unsigned long long)size, (unsigned long long)total, same_cpu ? ", one CPU" : "",
	       spin ? ", spinning allowed" : "");
	ring_destroy(&r);
}

int main(void)
{
	test_basics();
	for (int spin = 0; spin < 2; spin++) {
		stress_run(4096, 16u << 20, false, spin);
		stress_run(65536, 256u << 20, false, spin);
		stress_run(1u << 20, 512u << 20, false, spin);
		stress_run(4096, 4u << 20, true, spin);
		stress_run(1u << 20, 128u << 20, true, spin);
	}
	return tap_done();
}
