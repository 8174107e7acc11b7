/* fuzz_libring.c — libipcsh's consumer (src/lib/ring_api.c) against a
 * hostile producer that holds the same memfd: it scribbles on any byte of
 * the shared header (head, EOF flag, the futex words, the size field),
 * commits real data, rewrites data after committing it (torn records),
 * sets EOF, and dies (closes its liveness end). The consumer peeks,
 * releases and reads in non-blocking mode (a silent live producer may make
 * a blocking consumer wait, as a pipe does; that is not a finding).
 *
 * Input: byte 0 picks the ring size (4 KiB .. 64 KiB); then ops of one
 * byte (low 3 bits: the op) followed by their operands. Traps if a call
 * returns more bytes than the ring holds, a range outside the mapping,
 * an errno it must not give, or recovers from EPROTO; ASan catches any
 * access outside a buffer (ipcsh_ring_read copies into an exact one). */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, size_t bytes)
{
	uint64_t v = 0;
	for (size_t i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

static void check_errno(int e)
{
	if (e != EAGAIN && e != EPROTO && e != EIO && e != EINVAL)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct in in = {data + 1, size - 1};
	uint64_t rsize = RING_MIN_SIZE << (data[0] % 5);
	/* One memfd per size for the whole run (making one per input halves
	 * the speed); the header starts zeroed each time, the data is left. */
	static struct ring rings[5];
	struct ring *pr = &rings[data[0] % 5];
	if (!pr->sh && ring_create_memfd(pr, rsize) < 0)
		return 0;
	struct ring prod = *pr;
	memset(prod.sh, 0, RING_HDR_SIZE);
	int live[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, live) < 0)
		return 0;
	ipcsh_ring *c = ipcsh_ring__adopt(dup(prod.fd), live[1], 1, rsize, 0, 0);
	if (!c || ipcsh_ring_set_mode(c, IPCSH_RING_NONBLOCK, 0) < 0)
		__builtin_trap();
	const unsigned char *lo = c->r.data, *hi = c->r.data + 2 * rsize;
	unsigned char *hdr = (unsigned char *)prod.sh;
	_Atomic uint64_t *head = (_Atomic uint64_t *)prod.sh;
	bool broken = false;
	static unsigned char buf[1 << 17];
	while (in.n) {
		uint8_t op = (uint8_t)take(&in, 1);
		switch (op & 7) {
		case 0: /* any head at all */
			atomic_store(head, take(&in, 8));
			break;
		case 1: { /* any 8 bytes anywhere in the header page */
			size_t off = (size_t)take(&in, 2) % (RING_HDR_SIZE - 8);
			uint64_t v = take(&in, 8);
			memcpy(hdr + off, &v, 8);
			break;
		}
		case 2: { /* commit real bytes after the current head */
			uint64_t h = atomic_load(head);
			size_t k = (size_t)take(&in, 2) % (rsize + 1);
			size_t off = (size_t)(h & prod.mask), first = k < rsize - off ? k : rsize - off;
			memset(prod.data + off, (int)(h & 0xff), first);
			memset(prod.data, (int)(h & 0xff), k - first);
			atomic_store(head, h + k);
			break;
		}
		case 3: { /* torn: rewrite data already committed */
			size_t off = (size_t)take(&in, 3) % rsize;
			size_t len = (size_t)take(&in, 1);
			memset(prod.data + off, (int)take(&in, 1), len < rsize - off ? len : rsize - off);
			break;
		}
		case 4: { /* peek, touch every byte, release some */
			const void *q;
			size_t min = (size_t)take(&in, 3) % (rsize + 2);
			ssize_t n = ipcsh_ring_peek(c, &q, min);
			if (n < 0) {
				if (min > rsize && errno == EINVAL)
					break;
				check_errno(errno);
				if (broken && errno != EPROTO)
					__builtin_trap();
				broken |= errno == EPROTO;
				break;
			}
			if (broken || (uint64_t)n > rsize)
				__builtin_trap();
			if (n > 0 && ((const unsigned char *)q < lo || (const unsigned char *)q + n > hi))
				__builtin_trap();
			/* Inside the mapping (checked above), so first and last
			 * byte are readable. */
			if (n > 0 && ((const volatile unsigned char *)q)[0] + ((const volatile unsigned char *)q)[n - 1] > 510)
				__builtin_trap();
			size_t rel = n ? (size_t)take(&in, 3) % ((size_t)n + 1) : 0;
			if (ipcsh_ring_release(c, rel) < 0)
				__builtin_trap();
			break;
		}
		case 5: { /* read into an exact-size heap-sized buffer */
			size_t len = (size_t)take(&in, 3) % sizeof buf;
			ssize_t n = ipcsh_ring_read(c, buf, len);
			if (n < 0) {
				check_errno(errno);
				broken |= errno == EPROTO;
			} else if ((size_t)n > len || (broken && len)) {
				__builtin_trap();
			}
			break;
		}
		case 6: /* the EOF flag (the second field of the producer's line) */
			memset(hdr + 8, (int)take(&in, 1), 4);
			break;
		default: /* the producer dies */
			if (live[0] >= 0) {
				close(live[0]);
				live[0] = -1;
			}
			break;
		}
	}
	if (ipcsh_ring_close(c) < 0)
		__builtin_trap();
	if (live[0] >= 0)
		close(live[0]);
	return 0;
}
