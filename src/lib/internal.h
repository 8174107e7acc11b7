/* internal.h — libipcsh's insides, shared by its files, its unit test and
 * its fuzzer (not installed). */
#ifndef IPCSH_LIB_INTERNAL_H
#define IPCSH_LIB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "../../include/ipcsh/ring.h"
#include "../transport/ring.h"

#define API __attribute__((visibility("default")))

/* How often a blocked call looks at its peer's liveness (a peer killed
 * with SIGKILL sets no flag). */
#define LIB_LIVE_MS 100

struct ipcsh_ring {
	struct ring r;
	int side;               /* 0 producer (fd 1), 1 consumer (fd 0) */
	int live;               /* our end of the edge's liveness pair, -1 none */
	int mode;
	uint64_t spin_ns;
	size_t reserved;        /* producer: bytes handed out by the last reserve */
	size_t peeked;          /* consumer: bytes handed out by the last peek */
	unsigned char *pend;    /* consumer: bytes that were in the pipe at hand-over */
	size_t pend_len, pend_off;
	bool peer_gone;         /* the liveness socket hung up (or said 'G') */
	struct ipcsh_ring *next; /* open rings, closed at exit */
};

/* Build a ring end from what a relay hands over (takes memfd and live,
 * closes them on failure): NULL with errno. Used by the hand-over and, in
 * tests, with a ring made by ring_create_memfd. */
ipcsh_ring *ipcsh_ring__adopt(int memfd, int live, int side, uint64_t size, uint64_t pos,
			      unsigned flags) API;

/* Consumer: read fd until EOF into r->pend (the pipe's leftovers). 0/-1. */
int lib_take_leftovers(ipcsh_ring *r, int fd);
/* ipcsh_ring_close: forget a cached ipcsh_ring_stdin/stdout handle. */
void lib_forget(ipcsh_ring *r);

#endif
