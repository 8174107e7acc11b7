/* slots.h — the textbook bounded buffer: a ring of slots in shared memory
 * with two counting semaphores, "empty slots" and "full slots", shared by
 * the sysvshm (System V semaphores, semop) and mmap (POSIX semaphores in
 * the mapping, sem_timedwait) transports. Shared by transport files only.
 *
 * The producer-side relay waits for an empty slot, read()s the producer's
 * pipe straight into it, stores its length and posts "full"; the
 * consumer-side relay waits for a full slot, write()s it straight to the
 * consumer's pipe and posts "empty". A slot of length 0 ends the stream.
 * The consumer leaving sets `gone` in the header and posts "empty" so a
 * waiting producer wakes. Waits time out every SLOTS_LIVE_MS so each relay
 * looks at its peer over the liveness socket, as shm's relays do.
 *
 * Layout: one page of header (slot count and size, the gone flag, the POSIX
 * semaphores when used, each slot's length), then the slots. */
#ifndef IPCSH_SLOTS_H
#define IPCSH_SLOTS_H

#include "internal.h"

#include <semaphore.h>

#define SLOTS_HDR 4096u
#define SLOTS_MAX 16u
#define SLOTS_LIVE_MS 200

enum { SLOT_EMPTY, SLOT_FULL };

struct slots_hdr {
	uint32_t nslots;
	uint32_t gone;           /* the consumer left (atomic) */
	uint64_t slot_size;
	sem_t sem[2];            /* mmap: SLOT_EMPTY, SLOT_FULL */
	uint32_t len[SLOTS_MAX]; /* bytes in each slot; 0: end of stream */
};

struct slots;
/* What differs between the two mechanisms. */
struct slots_sync {
	/* Take one of semaphore `which`, waiting at most ms: 0, or -1 with
	 * errno (EAGAIN/ETIMEDOUT: timed out, EINTR, others: an error). */
	int (*take)(struct slots *s, int which, int ms);
	int (*post)(struct slots *s, int which);
	/* Undo ipcsh's own mapping of s->h (munmap, shmdt). */
	void (*unmap)(struct slots *s);
};

struct slots {
	const struct slots_sync *sync;
	struct slots_hdr *h;
	unsigned char *data;
	size_t map_len;
	int semid;      /* sysvshm */
	int live[2];    /* [0] relay_in's end, [1] relay_out's */
	uint64_t pos;   /* slots this side has used */
	uint64_t wpos;  /* slots ipcsh filled itself (write_in), apart from
			 * pos, which the relays are forked with */
	unsigned streak; /* relay_in: reads since it last slept (relay_batch_nap) */
};

/* Split a ring of `size` bytes (a power of two >= RING_MIN_SIZE) into slots. */
void slots_geometry(uint64_t size, uint32_t *nslots, uint64_t *slot_size);
/* Bytes to map for a ring of `size`. */
size_t slots_map_len(uint64_t size);
/* Initialise the header in a fresh mapping and the liveness pair. 0/-1. */
int slots_init(struct slots *s, const struct slots_sync *sync, void *map, size_t map_len,
	       uint64_t size) WUR;

/* The end of a slots transport's prepare: `s` (the first member of the
 * transport's own struct) becomes e->priv, the edge has no fds of its own,
 * and e->actual says what the system granted ("size=1M,slots=16x64K"). */
void slots_publish(struct edge *e, struct slots *s, uint64_t size);
/* The transports' release(): after spawning, ipcsh closes its ends of the
 * liveness pair and unmaps; the relays keep theirs. */
void slots_release(struct edge *e);

int slots_relay_in(struct edge *e, int in);
int slots_relay_out(struct edge *e, int out);
int slots_relay_fds(const struct edge *e, int side, int *fds, int max);
ssize_t slots_write_in(struct edge *e, const char *buf, size_t n, bool wait);
int slots_close_in(struct edge *e, bool wait);

#endif
