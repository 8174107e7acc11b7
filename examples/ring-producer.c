/* ring-producer.c — the producer of the producer-consumer exercise,
 * ring-aware: under `ring-producer |[shm] ring-consumer` in ipcsh it writes
 * records straight into the consumer's memory; anywhere else (a pipe,
 * a file, bash) it writes fd 1 as usual.
 *
 *   cc -o ring-producer ring-producer.c $(pkg-config --cflags --libs ipcsh)
 *   ring-producer [COUNT [SIZE]]   COUNT records of SIZE bytes (default
 *                                  1000000 records of 64 bytes)
 * Each record is SIZE bytes: an 8-byte sequence number, then filler. */
#include <ipcsh/ring.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void make_record(unsigned char *p, uint64_t seq, size_t size)
{
	memset(p, (int)(seq & 0xff), size);
	memcpy(p, &seq, sizeof seq < size ? sizeof seq : size);
}

int main(int argc, char **argv)
{
	uint64_t count = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	size_t size = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 64;
	if (size < 8) {
		fprintf(stderr, "ring-producer: SIZE must be at least 8\n");
		return 2;
	}
	ipcsh_ring *r = ipcsh_ring_stdout();
	if (r && size > ipcsh_ring_capacity(r)) {
		fprintf(stderr, "ring-producer: SIZE exceeds the ring (%zu)\n", ipcsh_ring_capacity(r));
		return 2;
	}
	unsigned char *buf = r ? NULL : malloc(size);
	for (uint64_t seq = 0; seq < count;) {
		if (r) {
			/* Zero copy, batched: fill all the whole records that fit. */
			void *p;
			ssize_t n = ipcsh_ring_reserve(r, &p, size);
			if (n < 0) {
				perror("ring-producer");
				return 1;
			}
			size_t k = 0;
			for (; k + size <= (size_t)n && seq < count; k += size)
				make_record((unsigned char *)p + k, seq++, size);
			ipcsh_ring_commit(r, k);
		} else {
			make_record(buf, seq++, size);
			for (size_t off = 0; off < size;) {
				ssize_t w = write(1, buf + off, size - off);
				if (w < 0 && errno != EINTR) {
					perror("ring-producer");
					return 1;
				}
				off += w > 0 ? (size_t)w : 0;
			}
		}
	}
	free(buf);
	return r && ipcsh_ring_close(r) < 0;
}
