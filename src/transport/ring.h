/* ring.h — a lock-free single-producer single-consumer byte ring in an
 * anonymous MAP_SHARED mapping (no name: nothing can leak), shared by a
 * producer and a consumer process forked after ring_create().
 *
 * Layout (one page of header, then the data, a power of two):
 *   line 1 (producer writes): head (bytes ever committed), eof, cpu
 *   line 2 (consumer writes): tail (bytes ever consumed), gone, cpu
 *   line 3: data_seq + data_wait  (the consumer sleeps here)
 *   line 4: space_seq + space_wait (the producer sleeps here)
 * Counters are 64-bit and free-running (never wrap in practice); positions
 * are counter & mask. Each side caches the other's counter privately and
 * reloads it only when its cached view says empty/full.
 *
 * Sleeping (io_uring's NEED_WAKEUP rule): the sleeper reads the 32-bit
 * sequence word, sets *_wait, full fence, re-checks the counter and flags,
 * then FUTEX_WAITs on the sequence word. The waker publishes its counter
 * (release), full fence, and only if it can take *_wait from 1 to 0
 * (exchange) bumps the sequence and FUTEX_WAKEs: one wake per sleep, no
 * syscall while the peer is awake. The sequence word is separate from the
 * counters so EOF and reader-gone (which change no counter) wake too.
 * Before sleeping a side spins for a few microseconds, but only while the
 * peer is awake on another CPU (spinning against a peer on the same CPU
 * only eats its time slice), and only on machines with at least four CPUs
 * (a relayed edge keeps four processes busy; on fewer CPUs the spinner
 * steals a stage's CPU). Waits take a timeout so a relay can check
 * that its peer is still alive.
 *
 * Not thread-safe beyond one producer and one consumer.
 */
#ifndef IPCSH_RING_H
#define IPCSH_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

#define RING_MIN_SIZE 4096u
#define RING_MAX_SIZE (1ull << 30)
#define RING_DEFAULT_SIZE (1u << 20)

struct ring_shared;

/* A process's handle on a ring (copied into children by fork). */
struct ring {
	struct ring_shared *sh;
	unsigned char *data;
	uint64_t size, mask;
	uint64_t pos;       /* own counter: head for the producer, tail for the consumer */
	uint64_t peer;      /* cached view of the other side's counter */
	size_t map_len;
	int fd;             /* the memfd behind a shareable ring, -1 for an anonymous one */
	bool mirror;        /* the data is mapped twice in a row: no wrap for reserve/peek */
	int err;            /* EPROTO once the peer's counter broke the protocol */
	uint64_t want;      /* ring_wait_*: bytes of data/space to wait for (0 means 1) */
};

/* The header's size: the data starts this many bytes into the mapping. */
#define RING_HDR_SIZE 4096u

/* Round a requested size to the ring size used: a power of two between
 * RING_MIN_SIZE and RING_MAX_SIZE (0 if the request is above the maximum). */
uint64_t ring_round_size(uint64_t want);
/* Map a ring of `size` bytes (a power of two >= RING_MIN_SIZE). 0/-1. */
int ring_create(struct ring *r, uint64_t size) WUR;
/* Map a ring of `size` bytes backed by a sealed memfd (close-on-exec,
 * r->fd), so that it can be handed to a program that was not forked from
 * us (SCM_RIGHTS): its size can never change (F_SEAL_SHRINK, F_SEAL_GROW),
 * so no holder can make another's access fault. 0/-1. */
int ring_create_memfd(struct ring *r, uint64_t size) WUR;
/* Attach to a ring created by ring_create_memfd in another process: fd is
 * checked (sealed, exactly RING_HDR_SIZE + size bytes) and kept (r->fd);
 * with mirror the data is mapped twice in a row, so ring_reserve and
 * ring_peek never stop at the wrap. The header's contents are not trusted:
 * the caller passes the size it got from ipcsh. 0/-1 (EPROTO: not a ring). */
int ring_map_fd(struct ring *r, int fd, uint64_t size, bool mirror) WUR;
/* Make a ring that no process uses any more new again (empty, no EOF, no
 * reader gone, counters at 0), keeping its mapping and fd: for the one
 * process left that maps it. */
void ring_reset(struct ring *r);
/* Unmap (each process that holds the mapping) and close r->fd.
 * NULL-safe on a zeroed ring. */
void ring_destroy(struct ring *r);

/* Producer. ring_reserve: a pointer to contiguous free space and its
 * length (0 when full); ring_commit publishes n bytes written there. */
size_t ring_reserve(struct ring *r, void **p);
void ring_commit(struct ring *r, size_t n);
/* End of stream: the consumer reads what is left, then EOF. */
void ring_close_write(struct ring *r);
/* The consumer declared it will read no more. */
bool ring_reader_gone(const struct ring *r);
/* Sleep until space is free or the reader is gone, at most timeout_ms.
 * Returns true if it should look again, false on timeout. */
bool ring_wait_space(struct ring *r, int timeout_ms);

/* Consumer. ring_peek: contiguous readable bytes (0 when empty);
 * ring_consume frees n of them for the producer. */
size_t ring_peek(struct ring *r, const void **p);
void ring_consume(struct ring *r, size_t n);
/* True when the producer closed and every byte was consumed. */
bool ring_eof(struct ring *r);
/* The consumer will read no more: a waiting producer wakes and stops. */
void ring_close_read(struct ring *r);
/* Sleep until data or EOF, at most timeout_ms; false on timeout. */
bool ring_wait_data(struct ring *r, int timeout_ms);

/* The consumer never trusts the producer's counter, nor the producer the
 * consumer's: a counter that runs backwards or claims more than the ring
 * holds makes reserve/peek return 0 and the waits return at once, and this
 * returns EPROTO from then on (0 while all is well). */
int ring_error(const struct ring *r);
/* Start at counter `pos` (a handed-over ring): head for a producer,
 * tail for a consumer; the other side's counter is read at the next call. */
void ring_set_pos(struct ring *r, uint64_t pos, bool producer);
/* The producer/consumer wrote EOF / reader-gone (raw flags, for hand-over). */
bool ring_eof_flag(const struct ring *r);
/* The CPU the peer last ran on while awake, -1 asleep or unknown (a hint
 * from shared memory: only ever used to decide whether to spin); and
 * record ours. side: 0 producer, 1 consumer. */
int ring_peer_cpu(const struct ring *r, int side);
void ring_note_cpu(struct ring *r, int side, int cpu);

/* Spin only on machines with at least min_cpus CPUs (default 4); for
 * tests and benchmarks. */
void ring_spin_policy(int min_cpus);

/* Producer/consumer state for tests and stats: bytes committed and consumed. */
uint64_t ring_head(const struct ring *r);
uint64_t ring_tail(const struct ring *r);

#endif
