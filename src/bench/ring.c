/* ring.c — the benchmark's ring-aware stages (libipcsh) and the ring
 * round-trip tool.
 *
 * With IPCSH_BENCH_RING=1 in their environment, `--produce`, `--consume`,
 * `--ping` and `--echo` ask for the ring of a |[shm] edge (the row
 * "shm (direct)"): the producer copies the pattern into reserved space, as
 * many whole blocks per reserve as fit (a 64-byte block is a record, and
 * one commit publishes a batch of them), the consumer compares in place.
 * The pattern is copied and compared a period at a time: pattern_new()
 * makes it only PERIOD + block bytes long.
 *
 *   ipcsh --bench --ring-rtt ROUNDS SIZE MODE
 *       two processes (pinned to two CPUs when there are two), a ring each
 *       way, MODE spin or block, or MODE line: one cache line each way and
 *       no ring, the hardware's floor right now (SIZE unused);
 *       "R rounds median_us p99_us min_us" after a warm-up of a tenth of
 *       the rounds (at least 1,000) */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/internal.h"

bool bench_ring_wanted(void)
{
	const char *v = getenv("IPCSH_BENCH_RING");
	return v && *v == '1';
}

int bench_ring_produce(ipcsh_ring *r, const char *pat, uint64_t bytes, uint64_t block)
{
	size_t cap = ipcsh_ring_capacity(r);
	size_t rec = block < cap ? (size_t)block : cap;
	for (uint64_t off = 0; off < bytes;) {
		void *p;
		size_t want = bytes - off < rec ? (size_t)(bytes - off) : rec;
		ssize_t n = ipcsh_ring_reserve(r, &p, want);
		if (n < 0) {
			msg_errno("bench producer: ring at offset %" PRIu64, off);
			return 1;
		}
		/* Every whole record that fits (the last one may be short). */
		size_t k = (size_t)n - (size_t)n % rec;
		if (k > bytes - off)
			k = (size_t)(bytes - off);
		/* The pattern repeats every PERIOD: copy it in pieces. */
		for (size_t done = 0; done < k;) {
			size_t at = (size_t)((off + done) % PATTERN_PERIOD), piece = PATTERN_PERIOD - at;
			piece = k - done < piece ? k - done : piece;
			memcpy((char *)p + done, pat + at, piece);
			done += piece;
		}
		(void)ipcsh_ring_commit(r, k);
		off += k;
	}
	return ipcsh_ring_close(r) < 0;
}

int bench_ring_consume(ipcsh_ring *r, const char *pat, uint64_t bytes, uint64_t *got, uint64_t *bad,
		       uint64_t *t_first)
{
	for (;;) {
		const void *p;
		ssize_t n = ipcsh_ring_peek(r, &p, 1);
		if (n < 0) {
			msg_errno("bench consumer: ring at offset %" PRIu64, *got);
			return 1;
		}
		if (n == 0)
			break;
		if (!*t_first)
			*t_first = now_ns();
		for (size_t done = 0; done < (size_t)n && *bad == UINT64_MAX;) {
			uint64_t at = *got + done;
			size_t piece = PATTERN_PERIOD - (size_t)(at % PATTERN_PERIOD);
			piece = (size_t)n - done < piece ? (size_t)n - done : piece;
			if (at + piece > bytes)
				*bad = bytes;
			else if (memcmp((const char *)p + done, pat + at % PATTERN_PERIOD, piece) != 0)
				*bad = at;
			done += piece;
		}
		*got += (uint64_t)n;
		(void)ipcsh_ring_release(r, (size_t)n);
	}
	(void)ipcsh_ring_close(r);
	return 0;
}

/* ---- --ring-rtt ---- */

static int pin(int k)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(k, &s);
	return sched_setaffinity(0, sizeof s, &s);
}

static int echo_loop(ipcsh_ring *in, ipcsh_ring *out, size_t size)
{
	for (;;) {
		const void *p;
		ssize_t n = ipcsh_ring_peek(in, &p, size);
		if (n == 0)
			return 0;
		if (n < (ssize_t)size || ipcsh_ring_write(out, p, size) != (ssize_t)size)
			return 1;
		(void)ipcsh_ring_release(in, size);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* "R rounds median p99 min" of the round trips in us[] (sorted here). */
static void rtt_print(double *us, uint64_t rounds)
{
	qsort(us, rounds, sizeof *us, cmp_double);
	printf("R %" PRIu64 " %.3f %.3f %.3f\n", rounds, us[rounds / 2], us[rounds * 99 / 100], us[0]);
}

/* The floor under any ring round trip: one cache line each way, two
 * processes spinning on plain atomics, no library. On a VM the two vCPUs
 * may sit on near or distant host cores, and that changes from minute to
 * minute (docs/BENCHMARKS.md): measured next to the ring, it says which. */
static int rtt_line(uint64_t rounds, uint64_t warm, bool two)
{
	_Atomic uint64_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		msg_errno("--bench --ring-rtt: cannot map the line");
		return 1;
	}
	_Atomic uint64_t *ping = m, *pong = m + 16; /* 128 bytes apart: two lines */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (two)
			(void)pin(1);
		for (uint64_t i = 1; i <= warm + rounds; i++) {
			while (atomic_load_explicit(ping, memory_order_acquire) != i)
				if (atomic_load_explicit(ping, memory_order_relaxed) == UINT64_MAX)
					_exit(1);
			atomic_store_explicit(pong, i, memory_order_release);
		}
		_exit(0);
	}
	if (pid < 0) {
		munmap(m, 4096);
		return 1;
	}
	if (two)
		(void)pin(0);
	double *us = xcalloc(rounds, sizeof *us);
	uint64_t i, stuck = 0;
	for (i = 1; i <= warm + rounds && !stuck; i++) {
		uint64_t t0 = now_ns();
		atomic_store_explicit(ping, i, memory_order_release);
		while (atomic_load_explicit(pong, memory_order_acquire) != i)
			if (now_ns() - t0 > 5000000000ull) {
				stuck = 1; /* the echo died: give up */
				break;
			}
		if (i > warm && !stuck)
			us[i - warm - 1] = (double)(now_ns() - t0) / 1e3;
	}
	if (stuck)
		atomic_store(ping, UINT64_MAX);
	int st;
	waitpid(pid, &st, 0);
	munmap(m, 4096);
	if (!stuck)
		rtt_print(us, rounds);
	free(us);
	return stuck || !WIFEXITED(st) || WEXITSTATUS(st);
}

int bench_ring_rtt(int argc, char **argv)
{
	uint64_t rounds, size;
	if (argc != 4 || bench_arg_size("--ring-rtt", argv[1], &rounds) < 0 ||
	    bench_arg_size("--ring-rtt", argv[2], &size) < 0 || !rounds || !size || size > 65536 ||
	    (strcmp(argv[3], "spin") && strcmp(argv[3], "block") && strcmp(argv[3], "line"))) {
		msg_err("--bench --ring-rtt: usage: ROUNDS SIZE spin|block|line");
		return 2;
	}
	bool two = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	/* Warm-up: a tenth of the rounds, at least 1,000 (caches, TLB, the
	 * spinner's first sleeps while the peer starts). */
	uint64_t warm = rounds / 10 > 1000 ? rounds / 10 : 1000;
	if (!strcmp(argv[3], "line"))
		return rtt_line(rounds, warm, two);
	int mode = strcmp(argv[3], "spin") ? IPCSH_RING_BLOCK : IPCSH_RING_SPIN;
	struct ring ab, ba;
	int lab[2], lba[2];
	if (ring_create_memfd(&ab, 1 << 16) < 0 || ring_create_memfd(&ba, 1 << 16) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, lab) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, lba) < 0) {
		msg_errno("--bench --ring-rtt: cannot make the rings");
		return 1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (two)
			(void)pin(1);
		close(lab[0]);
		close(lba[1]);
		ipcsh_ring *in = ipcsh_ring__adopt(dup(ab.fd), lab[1], 1, ab.size, 0, 0);
		ipcsh_ring *out = ipcsh_ring__adopt(dup(ba.fd), lba[0], 0, ba.size, 0, 0);
		if (!in || !out || ipcsh_ring_set_mode(in, mode, 100) < 0 || ipcsh_ring_set_mode(out, mode, 100) < 0)
			_exit(1);
		_exit(echo_loop(in, out, (size_t)size));
	}
	if (two)
		(void)pin(0);
	close(lab[1]);
	close(lba[0]);
	ipcsh_ring *out = ipcsh_ring__adopt(dup(ab.fd), lab[0], 0, ab.size, 0, 0);
	ipcsh_ring *in = ipcsh_ring__adopt(dup(ba.fd), lba[1], 1, ba.size, 0, 0);
	ring_destroy(&ab);
	ring_destroy(&ba);
	if (!in || !out || pid < 0)
		return 1;
	(void)ipcsh_ring_set_mode(in, mode, 100);
	(void)ipcsh_ring_set_mode(out, mode, 100);
	double *us = xcalloc(rounds, sizeof *us);
	char *msg = xcalloc(1, size);
	int rc = 0;
	for (uint64_t i = 0; i < warm + rounds && !rc; i++) {
		memset(msg, (int)(i & 0xff), size);
		uint64_t t0 = now_ns();
		const void *p;
		if (ipcsh_ring_write(out, msg, size) != (ssize_t)size || ipcsh_ring_peek(in, &p, size) < (ssize_t)size ||
		    memcmp(p, msg, size) != 0)
			rc = 1;
		else
			(void)ipcsh_ring_release(in, size);
		if (i >= warm)
			us[i - warm] = (double)(now_ns() - t0) / 1e3;
	}
	(void)ipcsh_ring_close(out);
	int st;
	waitpid(pid, &st, 0);
	(void)ipcsh_ring_close(in);
	if (!rc)
		rtt_print(us, rounds);
	else
		msg_err("--bench --ring-rtt: a message was lost or changed");
	free(us);
	free(msg);
	return rc || !WIFEXITED(st) || WEXITSTATUS(st);
}
