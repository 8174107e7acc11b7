/* ipcsh/ring.h — libipcsh: read and write an ipcsh shared-memory edge
 * (`a |[shm] b`) directly, without a copy through a pipe.
 *
 * When ipcsh runs your program as a stage next to a `|[shm]` edge, fd 0
 * and fd 1 are plain pipes into ipcsh's relays. ipcsh_ring_stdin() and
 * ipcsh_ring_stdout() ask the relay on that pipe for the ring itself: the
 * relay hands it over (bytes already in the pipe come first, nothing is
 * lost or reordered) and exits, so the data goes straight from one
 * program's memory to the other's. Anywhere else (a plain pipe, a file, a
 * terminal, under bash) they return NULL and the program keeps using
 * read(2)/write(2) on the fd: link the library and both cases work.
 *
 * Zero copy: the producer reserves space, writes into it and commits; the
 * consumer peeks at what is readable and releases it. Records up to the
 * ring's size are always contiguous (the ring is mapped twice in a row).
 * Many small records can share one commit: the peer wakes once per sleep,
 * never once per record.
 *
 * Errors are reported as -1 with errno, as by read(2)/write(2):
 *   EPIPE   the consumer is gone (closed, exited or killed); SIGPIPE is
 *           raised first, as a pipe does, unless it is ignored or handled;
 *   EIO     the producer died without closing (the bytes it committed
 *           before have all been read);
 *   EPROTO  the peer wrote nonsense into the ring's shared header: the
 *           consumer never reads or writes outside the ring because of it;
 *   EAGAIN  non-blocking mode and nothing (or not `min` bytes) is ready;
 *   EINVAL  a bad argument (min larger than the ring, commit of more than
 *           was reserved, the wrong side's call).
 * A producer that calls ipcsh_ring_close() or exits normally gives the
 * consumer EOF after its last committed byte.
 *
 * One thread per ring end; a ring end is not inherited across exec.
 * After ipcsh_ring_stdout() succeeds fd 1 no longer reaches the consumer
 * (writes to it fail with EPIPE); after ipcsh_ring_stdin() fd 0 is at EOF.
 */
#ifndef IPCSH_RING_PUBLIC_H
#define IPCSH_RING_PUBLIC_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IPCSH_RING_VERSION 1

/* One end of a ring: the consumer's (stdin) or the producer's (stdout). */
typedef struct ipcsh_ring ipcsh_ring;

/* Waiting modes (ipcsh_ring_set_mode). */
enum ipcsh_ring_mode {
	IPCSH_RING_BLOCK = 0,    /* sleep until ready (the default) */
	IPCSH_RING_NONBLOCK = 1, /* never wait: EAGAIN */
	IPCSH_RING_SPIN = 2,     /* busy-wait up to spin_us while the peer runs on
				    another CPU, then sleep as BLOCK does */
};

/* The ring behind fd 0 / fd 1 when ipcsh handed one over, else NULL (errno
 * unchanged). The first call does the hand-over; later calls return the
 * same handle. */
ipcsh_ring *ipcsh_ring_stdin(void);
ipcsh_ring *ipcsh_ring_stdout(void);

/* Choose how calls wait. spin_us is the most a call spins before it
 * sleeps (ignored unless IPCSH_RING_SPIN; 0 picks 50). A ring handed over
 * on an edge written `|[shm:spin]` starts in IPCSH_RING_SPIN. 0/-1. */
int ipcsh_ring_set_mode(ipcsh_ring *r, int mode, unsigned spin_us);
/* The current mode (IPCSH_RING_*), -1 for a NULL ring. */
int ipcsh_ring_mode(const ipcsh_ring *r);
/* The ring's capacity in bytes (a power of two). */
size_t ipcsh_ring_capacity(const ipcsh_ring *r);

/* Producer, zero copy: at least `min` contiguous writable bytes at *p
 * (min 0 counts as 1); returns how many (>= min), or -1. Write into them,
 * then commit any n of them (n <= the reserved count): the consumer sees
 * them at once. A commit of 0 is allowed. */
ssize_t ipcsh_ring_reserve(ipcsh_ring *r, void **p, size_t min);
int ipcsh_ring_commit(ipcsh_ring *r, size_t n);

/* Consumer, zero copy: at least `min` contiguous readable bytes at *p
 * (min 0 counts as 1), all there are when fewer remain before EOF;
 * returns how many, 0 at EOF, or -1. The bytes stay valid until released;
 * release any n of them (n <= the peeked count). */
ssize_t ipcsh_ring_peek(ipcsh_ring *r, const void **p, size_t min);
int ipcsh_ring_release(ipcsh_ring *r, size_t n);

/* Copying calls, like write(2)/read(2) on a pipe: write blocks until all
 * of buf is in the ring (NONBLOCK: what fits, EAGAIN if nothing); read
 * returns what is there (at least 1 byte), 0 at EOF. */
ssize_t ipcsh_ring_write(ipcsh_ring *r, const void *buf, size_t n);
ssize_t ipcsh_ring_read(ipcsh_ring *r, void *buf, size_t n);

/* End: the producer's close is EOF for the consumer; the consumer's makes
 * the producer's next call fail with EPIPE. Frees r. Rings still open at
 * exit() are closed then. 0/-1. */
int ipcsh_ring_close(ipcsh_ring *r);

#ifdef __cplusplus
}
#endif

#endif
