/* ring.c — the SPSC byte ring; the design is described in ring.h. */
#include "ring.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RING_HDR RING_HDR_SIZE
#define SPIN_NS 20000u /* ~ the cost of one cross-CPU wake-up here */
/* A relayed edge is four busy processes (two stages, two relays): with
 * fewer CPUs than that a spinner takes the CPU a stage needs (measured on
 * 2 vCPUs: 64K-block streams ran 15-25% faster without spinning). */
static int spin_min_cpus = 4;

/* Monotonic ns; local so that libipcsh (which compiles this file) needs
 * nothing else of ipcsh. */
static uint64_t ring_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void ring_spin_policy(int min_cpus)
{
	spin_min_cpus = min_cpus;
}

struct ring_shared {
	alignas(64) _Atomic uint64_t head; /* producer-written line */
	_Atomic uint32_t eof;
	_Atomic int32_t prod_cpu; /* CPU the producer last ran on; -1 asleep or unknown */
	alignas(64) _Atomic uint64_t tail; /* consumer-written line */
	_Atomic uint32_t gone;
	_Atomic int32_t cons_cpu;
	alignas(64) _Atomic uint32_t data_seq; /* consumer sleeps on it */
	_Atomic uint32_t data_wait;
	alignas(64) _Atomic uint32_t space_seq; /* producer sleeps on it */
	_Atomic uint32_t space_wait;
	alignas(64) uint64_t size;
};
_Static_assert(sizeof(struct ring_shared) <= RING_HDR, "ring header fits its page");

#define ACQ memory_order_acquire
#define REL memory_order_release
#define RLX memory_order_relaxed

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Returns 0 when woken (or the word changed), -1 with errno (ETIMEDOUT). */
static int futex_wait(_Atomic uint32_t *w, uint32_t val, int timeout_ms)
{
	struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
	/* Not FUTEX_PRIVATE: the word lives in a mapping shared across processes. */
	long rc = syscall(SYS_futex, (void *)w, FUTEX_WAIT, val, timeout_ms >= 0 ? &ts : NULL, NULL, 0);
	return rc < 0 && errno == ETIMEDOUT ? -1 : 0;
}

/* After publishing: wake the peer if (and only if) it announced a sleep. */
static void ring_wake(_Atomic uint32_t *seq, _Atomic uint32_t *waitw)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(waitw, RLX) && atomic_exchange(waitw, 0)) {
		atomic_fetch_add(seq, 1);
		syscall(SYS_futex, (void *)seq, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
}

static int ncpus(void)
{
	static int n;
	if (!n) {
		long v = sysconf(_SC_NPROCESSORS_ONLN);
		n = v > 0 ? (int)v : 1;
	}
	return n;
}

uint64_t ring_round_size(uint64_t want)
{
	if (want > RING_MAX_SIZE)
		return 0;
	uint64_t s = RING_MIN_SIZE;
	while (s < want)
		s <<= 1;
	return s;
}

int ring_create(struct ring *r, uint64_t size)
{
	*r = (struct ring){0};
	if (size < RING_MIN_SIZE || size > RING_MAX_SIZE || (size & (size - 1))) {
		errno = EINVAL;
		return -1;
	}
	size_t len = RING_HDR + (size_t)size;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	r->sh = m;
	r->sh->size = size;
	atomic_store(&r->sh->prod_cpu, -1);
	atomic_store(&r->sh->cons_cpu, -1);
	r->data = (unsigned char *)m + RING_HDR;
	r->size = size;
	r->mask = size - 1;
	r->map_len = len;
	r->fd = -1;
	return 0;
}

static bool size_ok(uint64_t size)
{
	return size >= RING_MIN_SIZE && size <= RING_MAX_SIZE && !(size & (size - 1));
}

int ring_create_memfd(struct ring *r, uint64_t size)
{
	*r = (struct ring){0};
	r->fd = -1;
	if (!size_ok(size)) {
		errno = EINVAL;
		return -1;
	}
	int fd = memfd_create("ipcsh-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	size_t len = RING_HDR + (size_t)size;
	void *m = MAP_FAILED;
	if (ftruncate(fd, (off_t)len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0 ||
	    (m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	r->sh = m;
	r->sh->size = size;
	atomic_store(&r->sh->prod_cpu, -1);
	atomic_store(&r->sh->cons_cpu, -1);
	r->data = (unsigned char *)m + RING_HDR;
	r->size = size;
	r->mask = size - 1;
	r->map_len = len;
	r->fd = fd;
	return 0;
}

/* The header and data, then (mirror) the data again right after it. */
static void *map_mirror(int fd, uint64_t size)
{
	size_t len = RING_HDR + 2 * (size_t)size;
	unsigned char *base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return MAP_FAILED;
	if (mmap(base, RING_HDR + size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED ||
	    mmap(base + RING_HDR + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 RING_HDR) == MAP_FAILED) {
		int e = errno;
		munmap(base, len);
		errno = e;
		return MAP_FAILED;
	}
	return base;
}

int ring_map_fd(struct ring *r, int fd, uint64_t size, bool mirror)
{
	*r = (struct ring){0};
	r->fd = -1;
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);
	if (!size_ok(size) || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != RING_HDR + size || seals < 0 ||
	    (seals & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW)) {
		errno = EPROTO;
		return -1;
	}
	size_t len = RING_HDR + (size_t)size * (mirror ? 2 : 1);
	void *m = mirror ? map_mirror(fd, size)
			 : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	r->sh = m;
	r->data = (unsigned char *)m + RING_HDR;
	r->size = size;
	r->mask = size - 1;
	r->map_len = len;
	r->fd = fd;
	r->mirror = mirror;
	return 0;
}

void ring_reset(struct ring *r)
{
	struct ring_shared *sh = r->sh;
	uint64_t size = r->size;
	memset(sh, 0, sizeof *sh);
	sh->size = size;
	atomic_store(&sh->prod_cpu, -1);
	atomic_store(&sh->cons_cpu, -1);
	r->pos = r->peer = r->want = 0;
	r->err = 0;
}

void ring_destroy(struct ring *r)
{
	if (r->sh) {
		munmap(r->sh, r->map_len);
		if (r->fd >= 0)
			close(r->fd);
	}
	*r = (struct ring){0};
}

int ring_error(const struct ring *r)
{
	return r->err;
}

void ring_set_pos(struct ring *r, uint64_t pos, bool producer)
{
	r->pos = pos;
	/* A cached view that makes reserve/peek load the real counter. */
	r->peer = producer ? pos - r->size : pos;
}

bool ring_eof_flag(const struct ring *r)
{
	return atomic_load_explicit(&r->sh->eof, ACQ) != 0;
}

int ring_peer_cpu(const struct ring *r, int side)
{
	return atomic_load_explicit(side ? &r->sh->prod_cpu : &r->sh->cons_cpu, RLX);
}

void ring_note_cpu(struct ring *r, int side, int cpu)
{
	atomic_store_explicit(side ? &r->sh->cons_cpu : &r->sh->prod_cpu, cpu, RLX);
}

/* The peer's counter broke the protocol: remember, and show an empty or
 * full ring from now on. */
static uint64_t ring_broken(struct ring *r)
{
	r->err = EPROTO;
	return 0;
}

/* ---- producer ---- */

size_t ring_reserve(struct ring *r, void **p)
{
	uint64_t used = r->pos - r->peer;
	/* Reload the consumer's counter only when the cached view looks tight:
	 * a big contiguous reservation is what keeps the relay efficient. */
	if (used > r->size - r->size / 4) {
		r->peer = atomic_load_explicit(&r->sh->tail, ACQ);
		used = r->pos - r->peer;
	}
	if (used > r->size || r->err) /* a tail ahead of head, or beyond the ring */
		return ring_broken(r);
	uint64_t space = r->size - used;
	if (!space)
		return 0;
	uint64_t off = r->pos & r->mask;
	*p = r->data + off;
	if (r->mirror)
		return (size_t)space;
	return (size_t)(space < r->size - off ? space : r->size - off);
}

void ring_commit(struct ring *r, size_t n)
{
	r->pos += n;
	atomic_store_explicit(&r->sh->head, r->pos, REL);
	ring_wake(&r->sh->data_seq, &r->sh->data_wait);
}

void ring_close_write(struct ring *r)
{
	atomic_store_explicit(&r->sh->eof, 1, REL);
	ring_wake(&r->sh->data_seq, &r->sh->data_wait);
}

bool ring_reader_gone(const struct ring *r)
{
	return atomic_load_explicit(&r->sh->gone, ACQ) != 0;
}

static bool space_ready(struct ring *r)
{
	if (atomic_load_explicit(&r->sh->gone, ACQ))
		return true;
	r->peer = atomic_load_explicit(&r->sh->tail, ACQ);
	uint64_t used = r->pos - r->peer;
	if (used > r->size)
		ring_broken(r);
	return r->size - used >= (r->want ? r->want : 1) || r->err;
}

static bool data_ready(struct ring *r)
{
	r->peer = atomic_load_explicit(&r->sh->head, ACQ);
	uint64_t avail = r->peer - r->pos;
	if (avail > r->size)
		ring_broken(r);
	return avail >= (r->want ? r->want : 1) || atomic_load_explicit(&r->sh->eof, ACQ) || r->err;
}

/* Spin while the peer is awake on another CPU, for at most SPIN_NS. */
static bool ring_spin(struct ring *r, bool (*ready)(struct ring *), _Atomic int32_t *peer_cpu, int me)
{
	if (ncpus() < spin_min_cpus)
		return false;
	uint64_t t0 = 0;
	for (unsigned i = 0;; i++) {
		if ((i & 63) == 0) {
			int pc = atomic_load_explicit(peer_cpu, RLX);
			if (pc < 0 || pc == me)
				return false;
			if (!t0)
				t0 = ring_now_ns();
			else if (ring_now_ns() - t0 > SPIN_NS)
				return false;
		}
		if (ready(r))
			return true;
		cpu_relax();
	}
}

/* The common sleep: announce on waitw, re-check, then wait on seq. */
static bool ring_sleep(struct ring *r, bool (*ready)(struct ring *), _Atomic uint32_t *seq,
		       _Atomic uint32_t *waitw, _Atomic int32_t *my_cpu, _Atomic int32_t *peer_cpu,
		       int timeout_ms)
{
	int me = sched_getcpu();
	atomic_store_explicit(my_cpu, me, RLX);
	if (ready(r) || ring_spin(r, ready, peer_cpu, me))
		return true;
	uint32_t s = atomic_load_explicit(seq, ACQ);
	atomic_store(waitw, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (ready(r)) {
		atomic_store_explicit(waitw, 0, RLX);
		return true;
	}
	atomic_store_explicit(my_cpu, -1, RLX);
	int rc = futex_wait(seq, s, timeout_ms);
	atomic_store_explicit(my_cpu, sched_getcpu(), RLX);
	if (rc < 0) {
		atomic_store_explicit(waitw, 0, RLX);
		return ready(r);
	}
	return true;
}

bool ring_wait_space(struct ring *r, int timeout_ms)
{
	struct ring_shared *s = r->sh;
	return ring_sleep(r, space_ready, &s->space_seq, &s->space_wait, &s->prod_cpu, &s->cons_cpu,
			  timeout_ms);
}

/* ---- consumer ---- */

size_t ring_peek(struct ring *r, const void **p)
{
	uint64_t avail = r->peer - r->pos;
	if (!avail) {
		r->peer = atomic_load_explicit(&r->sh->head, ACQ);
		avail = r->peer - r->pos;
		if (!avail)
			return 0;
	}
	if (avail > r->size || r->err) /* a head behind tail, or beyond the ring */
		return ring_broken(r);
	uint64_t off = r->pos & r->mask;
	*p = r->data + off;
	if (r->mirror)
		return (size_t)avail;
	return (size_t)(avail < r->size - off ? avail : r->size - off);
}

void ring_consume(struct ring *r, size_t n)
{
	r->pos += n;
	atomic_store_explicit(&r->sh->tail, r->pos, REL);
	ring_wake(&r->sh->space_seq, &r->sh->space_wait);
}

bool ring_eof(struct ring *r)
{
	if (!atomic_load_explicit(&r->sh->eof, ACQ))
		return false;
	return atomic_load_explicit(&r->sh->head, ACQ) == r->pos;
}

void ring_close_read(struct ring *r)
{
	atomic_store_explicit(&r->sh->gone, 1, REL);
	ring_wake(&r->sh->space_seq, &r->sh->space_wait);
}

bool ring_wait_data(struct ring *r, int timeout_ms)
{
	struct ring_shared *s = r->sh;
	return ring_sleep(r, data_ready, &s->data_seq, &s->data_wait, &s->cons_cpu, &s->prod_cpu,
			  timeout_ms);
}

uint64_t ring_head(const struct ring *r)
{
	return atomic_load_explicit(&r->sh->head, ACQ);
}

uint64_t ring_tail(const struct ring *r)
{
	return atomic_load_explicit(&r->sh->tail, ACQ);
}
