/* test_libring.c — libipcsh's ring calls (src/lib/), on ends built the way
 * the hand-over builds them (a sealed memfd and a liveness socket pair):
 * contiguous records across the wrap, modes, bad arguments, two-process
 * checksums, EOF, EPIPE (signal and error), a peer killed on either side,
 * a hostile header, and spinning that backs off to sleep. */
#include "tap.h"
#include "lib/internal.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pair {
	int memfd;
	int live[2];
	uint64_t size;
};

static int pair_make(struct pair *pr, uint64_t size)
{
	struct ring tmp;
	if (ring_create_memfd(&tmp, size) < 0)
		return -1;
	pr->memfd = dup(tmp.fd);
	ring_destroy(&tmp);
	pr->size = size;
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pr->live);
}

/* side 0: the producer's end; the pair's fds are used up by both calls. */
static ipcsh_ring *pair_end(struct pair *pr, int side)
{
	ipcsh_ring *r = ipcsh_ring__adopt(dup(pr->memfd), pr->live[side], side, pr->size, 0, 0);
	pr->live[side] = -1;
	return r;
}

static void pair_drop(struct pair *pr)
{
	for (int i = 0; i < 2; i++)
		if (pr->live[i] >= 0)
			close(pr->live[i]);
	close(pr->memfd);
}

static uint8_t byte_at(uint64_t i)
{
	return (uint8_t)(i * 131u + (i >> 12) + 7u);
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_one_process(void)
{
	struct pair pr;
	if (pair_make(&pr, 4096) < 0) {
		TAP_OK(0, "pair");
		return;
	}
	ipcsh_ring *p = pair_end(&pr, 0), *c = pair_end(&pr, 1);
	pair_drop(&pr);
	TAP_OK(p && c && ipcsh_ring_capacity(p) == 4096, "ends built from a sealed memfd");
	if (!p || !c)
		return;
	void *w;
	const void *q;
	TAP_OK(ipcsh_ring_reserve(p, &w, 4097) < 0 && errno == EINVAL, "min above the capacity: EINVAL");
	TAP_OK(ipcsh_ring_peek(p, &q, 1) < 0 && errno == EINVAL, "peek on the producer's end: EINVAL");
	TAP_OK(ipcsh_ring_set_mode(c, IPCSH_RING_NONBLOCK, 0) == 0 && ipcsh_ring_peek(c, &q, 1) < 0 &&
		       errno == EAGAIN,
	       "non-blocking, empty: EAGAIN");
	/* Move the counters to 3000 so that a full-ring record wraps. */
	TAP_OK(ipcsh_ring_reserve(p, &w, 3000) >= 3000 && ipcsh_ring_commit(p, 3000) == 0 &&
		       ipcsh_ring_peek(c, &q, 3000) == 3000 && ipcsh_ring_release(c, 3000) == 0,
	       "3000 bytes through");
	TAP_OK(ipcsh_ring_commit(p, 1) < 0 && errno == EINVAL, "commit without a reserve: EINVAL");
	ssize_t n = ipcsh_ring_reserve(p, &w, 4096);
	TAP_OK(n == 4096, "the whole ring is one contiguous record across the wrap (%zd)", n);
	for (int i = 0; i < 4096 && n == 4096; i++)
		((uint8_t *)w)[i] = byte_at((uint64_t)i);
	TAP_OK(ipcsh_ring_commit(p, 4097) < 0 && errno == EINVAL, "commit of more than reserved: EINVAL");
	(void)ipcsh_ring_commit(p, 4096);
	(void)ipcsh_ring_set_mode(p, IPCSH_RING_NONBLOCK, 0);
	TAP_OK(ipcsh_ring_reserve(p, &w, 1) < 0 && errno == EAGAIN, "non-blocking, full: EAGAIN");
	n = ipcsh_ring_peek(c, &q, 4096);
	int same = n == 4096;
	for (int i = 0; i < 4096 && same; i++)
		same = ((const uint8_t *)q)[i] == byte_at((uint64_t)i);
	TAP_OK(same, "the consumer sees it contiguous and intact");
	TAP_OK(ipcsh_ring_release(c, 4097) < 0 && errno == EINVAL, "release of more than peeked: EINVAL");
	(void)ipcsh_ring_release(c, 4096);
	char buf[100];
	TAP_OK(ipcsh_ring_write(p, "hello", 5) == 5 && ipcsh_ring_read(c, buf, sizeof buf) == 5 &&
		       memcmp(buf, "hello", 5) == 0,
	       "the copying pair");
	TAP_OK(ipcsh_ring_close(p) == 0 && ipcsh_ring_read(c, buf, sizeof buf) == 0, "closed producer: EOF");
	(void)ipcsh_ring_close(c);
}

/* Child: consume to EOF, exit with 0 when the checksum and count match. */
static int consume_all(ipcsh_ring *c, uint64_t want_sum, uint64_t want_n, uint64_t seed)
{
	uint64_t sum = 0, n = 0;
	for (;;) {
		const void *q;
		size_t min = (size_t)(xs(&seed) % 5000) + 1;
		ssize_t k = ipcsh_ring_peek(c, &q, min);
		if (k < 0)
			return 2;
		if (k == 0)
			break;
		size_t take = (size_t)(xs(&seed) % (uint64_t)k) + 1;
		for (size_t i = 0; i < take; i++)
			sum = sum * 31 + ((const uint8_t *)q)[i];
		n += take;
		if (ipcsh_ring_release(c, take) < 0)
			return 3;
	}
	return sum == want_sum && n == want_n ? 0 : 1;
}

static void test_two_processes(int mode)
{
	const uint64_t total = 64ull << 20;
	uint64_t sum = 0;
	for (uint64_t i = 0; i < total; i++)
		sum = sum * 31 + byte_at(i);
	struct pair pr;
	if (pair_make(&pr, 1 << 16) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		ipcsh_ring *c = pair_end(&pr, 1);
		if (!c || ipcsh_ring_set_mode(c, mode, 20) < 0)
			_exit(4);
		_exit(consume_all(c, sum, total, 99));
	}
	close(pr.live[1]);
	pr.live[1] = -1;
	ipcsh_ring *p = pair_end(&pr, 0);
	pair_drop(&pr);
	(void)ipcsh_ring_set_mode(p, mode, 20);
	uint64_t sent = 0, seed = 7;
	int ok = p != NULL;
	while (ok && sent < total) {
		void *w;
		size_t k = (size_t)(xs(&seed) % 20000) + 1;
		if (k > total - sent)
			k = (size_t)(total - sent);
		ssize_t got = ipcsh_ring_reserve(p, &w, k);
		if (got < 0) {
			ok = 0;
			break;
		}
		for (size_t i = 0; i < k; i++)
			((uint8_t *)w)[i] = byte_at(sent + i);
		ok = ipcsh_ring_commit(p, k) == 0;
		sent += k;
	}
	ok = ok && ipcsh_ring_close(p) == 0;
	int st;
	waitpid(pid, &st, 0);
	TAP_OK(ok && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "two processes, %s, 64 MiB in random records: checksum and count, then EOF (child %d)",
	       mode == IPCSH_RING_SPIN ? "spinning" : "blocking", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* A producer writing forever into a consumer that leaves after 1000 bytes:
 * close (how = 0) or SIGKILL (how = 1). Returns the producer's wait status
 * (it ignores SIGPIPE when ign: then exits 0 on EPIPE). */
static int producer_vs_leaving_consumer(int how, int ign)
{
	struct pair pr;
	if (pair_make(&pr, 1 << 14) < 0)
		return -1;
	pid_t cons = fork();
	if (cons == 0) {
		ipcsh_ring *c = pair_end(&pr, 1);
		char buf[1000];
		size_t got = 0;
		while (c && got < sizeof buf) {
			ssize_t n = ipcsh_ring_read(c, buf, sizeof buf - got);
			if (n <= 0)
				_exit(2);
			got += (size_t)n;
		}
		if (how)
			raise(SIGKILL);
		_exit(ipcsh_ring_close(c) == 0 ? 0 : 3);
	}
	pid_t prod = fork();
	if (prod == 0) {
		close(pr.live[1]);
		pr.live[1] = -1;
		signal(SIGPIPE, ign ? SIG_IGN : SIG_DFL);
		ipcsh_ring *p = pair_end(&pr, 0);
		char buf[512] = {0};
		for (;;)
			if (!p || ipcsh_ring_write(p, buf, sizeof buf) < 0)
				_exit(p && errno == EPIPE ? 0 : 5);
	}
	pair_drop(&pr);
	int st, cst;
	waitpid(cons, &cst, 0);
	waitpid(prod, &st, 0);
	return st;
}

static void test_epipe(void)
{
	int st = producer_vs_leaving_consumer(0, 0);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "consumer closed: the producer dies of SIGPIPE");
	st = producer_vs_leaving_consumer(0, 1);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "consumer closed, SIGPIPE ignored: EPIPE");
	st = producer_vs_leaving_consumer(1, 1);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "consumer SIGKILLed: EPIPE all the same");
}

static void test_producer_dies(void)
{
	struct pair pr;
	if (pair_make(&pr, 1 << 14) < 0)
		return;
	pid_t prod = fork();
	if (prod == 0) {
		close(pr.live[1]);
		pr.live[1] = -1;
		ipcsh_ring *p = pair_end(&pr, 0);
		void *w;
		if (!p || ipcsh_ring_reserve(p, &w, 3000) < 0)
			_exit(2);
		memset(w, 'x', 3000);
		(void)ipcsh_ring_commit(p, 2000); /* 1000 reserved bytes never committed */
		raise(SIGKILL);
	}
	ipcsh_ring *c = pair_end(&pr, 1);
	pair_drop(&pr);
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	while (c && (n = ipcsh_ring_read(c, buf, sizeof buf)) > 0)
		got += (size_t)n;
	TAP_OK(c && n < 0 && errno == EIO && got == 2000,
	       "producer SIGKILLed: the committed 2000 bytes, then EIO (%zu)", got);
	waitpid(prod, NULL, 0);
	(void)ipcsh_ring_close(c);
}

/* The producer's shared header is anyone's to scribble on. */
static void test_hostile_header(void)
{
	struct pair pr;
	if (pair_make(&pr, 4096) < 0)
		return;
	struct ring raw;
	if (ring_map_fd(&raw, dup(pr.memfd), 4096, false) < 0) {
		TAP_OK(0, "map");
		return;
	}
	ipcsh_ring *c = pair_end(&pr, 1);
	const void *q;
	_Atomic uint64_t *head = (_Atomic uint64_t *)raw.sh; /* the first field */
	atomic_store(head, 4097);
	TAP_OK(ipcsh_ring_peek(c, &q, 1) < 0 && errno == EPROTO, "head beyond the ring: EPROTO");
	TAP_OK(ipcsh_ring_peek(c, &q, 1) < 0 && errno == EPROTO, "and it stays an error");
	(void)ipcsh_ring_close(c);
	pr.live[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pr.live) < 0)
		return;
	atomic_store(head, (uint64_t)-5); /* behind the tail (0) */
	c = pair_end(&pr, 1);
	TAP_OK(ipcsh_ring_peek(c, &q, 1) < 0 && errno == EPROTO, "head behind the tail: EPROTO");
	(void)ipcsh_ring_close(c);
	ring_destroy(&raw);
	pair_drop(&pr);
	/* A memfd that could shrink under us is not a ring. */
	int fd = memfd_create("x", MFD_CLOEXEC);
	TAP_OK(fd >= 0 && ftruncate(fd, 4096 + 4096) == 0 &&
		       ipcsh_ring__adopt(fd, -1, 1, 4096, 0, 0) == NULL && errno == EPROTO,
	       "an unsealed memfd is refused: EPROTO");
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* A spinning consumer whose producer sleeps must not burn the CPU: it
 * spins at most spin_us per wake-up, then sleeps. */
static void test_spin_backoff(void)
{
	struct pair pr;
	if (pair_make(&pr, 4096) < 0)
		return;
	pid_t prod = fork();
	if (prod == 0) {
		close(pr.live[1]);
		pr.live[1] = -1;
		ipcsh_ring *p = pair_end(&pr, 0);
		(void)ipcsh_ring_set_mode(p, IPCSH_RING_SPIN, 200);
		(void)ipcsh_ring_write(p, "a", 1); /* marks it awake on its CPU */
		struct timespec ts = {0, 600 * 1000000L};
		nanosleep(&ts, NULL);
		_exit(ipcsh_ring_write(p, "b", 1) == 1 && ipcsh_ring_close(p) == 0 ? 0 : 1);
	}
	ipcsh_ring *c = pair_end(&pr, 1);
	pair_drop(&pr);
	(void)ipcsh_ring_set_mode(c, IPCSH_RING_SPIN, 200);
	char buf[4];
	ssize_t a = ipcsh_ring_read(c, buf, 1);
	double t0 = cpu_seconds();
	ssize_t b = ipcsh_ring_read(c, buf + 1, 1);
	double used = cpu_seconds() - t0;
	TAP_OK(a == 1 && b == 1 && buf[0] == 'a' && buf[1] == 'b', "spinning consumer got both bytes");
	TAP_OK(used < 0.3, "it slept while the producer slept: %.3f s of CPU over 0.6 s", used);
	waitpid(prod, NULL, 0);
	(void)ipcsh_ring_close(c);
}

/* Both ends spinning on one CPU: the spinner must see its peer is not
 * running elsewhere and sleep, or each round trip costs a time slice. */
static void test_spin_one_cpu(void)
{
	struct pair ab, ba;
	if (pair_make(&ab, 4096) < 0 || pair_make(&ba, 4096) < 0)
		return;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	pid_t echo = fork();
	if (echo == 0) {
		sched_setaffinity(0, sizeof one, &one);
		close(ab.live[0]);
		ab.live[0] = -1;
		close(ba.live[1]);
		ba.live[1] = -1;
		ipcsh_ring *in = pair_end(&ab, 1), *out = pair_end(&ba, 0);
		(void)ipcsh_ring_set_mode(in, IPCSH_RING_SPIN, 50);
		(void)ipcsh_ring_set_mode(out, IPCSH_RING_SPIN, 50);
		char m[64];
		ssize_t n;
		while ((n = ipcsh_ring_read(in, m, sizeof m)) > 0)
			if (ipcsh_ring_write(out, m, (size_t)n) != n)
				_exit(1);
		_exit(n == 0 && ipcsh_ring_close(out) == 0 ? 0 : 2);
	}
	cpu_set_t old;
	sched_getaffinity(0, sizeof old, &old);
	sched_setaffinity(0, sizeof one, &one);
	close(ab.live[1]);
	ab.live[1] = -1;
	close(ba.live[0]);
	ba.live[0] = -1;
	ipcsh_ring *out = pair_end(&ab, 0), *in = pair_end(&ba, 1);
	pair_drop(&ab);
	pair_drop(&ba);
	(void)ipcsh_ring_set_mode(in, IPCSH_RING_SPIN, 50);
	(void)ipcsh_ring_set_mode(out, IPCSH_RING_SPIN, 50);
	int ok = 1;
	for (int i = 0; i < 2000 && ok; i++) {
		char m[64], r[64];
		memset(m, i & 0xff, sizeof m);
		ok = ipcsh_ring_write(out, m, sizeof m) == 64 && ipcsh_ring_read(in, r, sizeof r) == 64 &&
		     memcmp(m, r, 64) == 0;
	}
	(void)ipcsh_ring_close(out);
	int st;
	waitpid(echo, &st, 0);
	(void)ipcsh_ring_close(in);
	sched_setaffinity(0, sizeof old, &old);
	TAP_OK(ok && WIFEXITED(st) && WEXITSTATUS(st) == 0, "2000 spinning round trips on one CPU");
}

int main(void)
{
	test_one_process();
	test_two_processes(IPCSH_RING_BLOCK);
	test_two_processes(IPCSH_RING_SPIN);
	test_epipe();
	test_producer_dies();
	test_hostile_header();
	test_spin_backoff();
	test_spin_one_cpu();
	return tap_done();
}
