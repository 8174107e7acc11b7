/* ring-consumer.c — the consumer of the producer-consumer exercise,
 * ring-aware: reads ring-producer's records in place, from the ring when
 * ipcsh hands one over, from fd 0 otherwise; checks that they arrive in
 * order and prints how many.
 *
 *   cc -o ring-consumer ring-consumer.c $(pkg-config --cflags --libs ipcsh)
 *   ring-producer 1000000 64 |[shm] ring-consumer 64     (in ipcsh)
 *   ring-producer 1000000 64 | ring-consumer 64          (anywhere) */
#include <ipcsh/ring.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Check whole records in p[0..n); returns how many bytes were used. */
static size_t check(const unsigned char *p, size_t n, size_t size, uint64_t *next)
{
	size_t k = 0;
	for (; k + size <= n; k += size) {
		uint64_t seq;
		memcpy(&seq, p + k, sizeof seq);
		if (seq != *next) {
			fprintf(stderr, "ring-consumer: record %llu where %llu was due\n",
				(unsigned long long)seq, (unsigned long long)*next);
			exit(1);
		}
		++*next;
	}
	return k;
}

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 64;
	uint64_t next = 0;
	if (size < 8)
		return 2;
	ipcsh_ring *r = ipcsh_ring_stdin();
	if (r) {
		for (;;) {
			const void *p;
			/* At least one whole record, and every byte that is there. */
			ssize_t n = ipcsh_ring_peek(r, &p, size);
			if (n < 0) {
				perror("ring-consumer");
				return 1;
			}
			if (n == 0)
				break;
			size_t used = check(p, (size_t)n, size, &next);
			if (!used) {
				fprintf(stderr, "ring-consumer: a partial record at the end\n");
				return 1;
			}
			ipcsh_ring_release(r, used);
		}
		ipcsh_ring_close(r);
	} else {
		size_t cap = size * 1024, have = 0;
		unsigned char *buf = malloc(cap);
		for (;;) {
			ssize_t n = read(0, buf + have, cap - have);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				perror("ring-consumer");
				return 1;
			}
			if (n == 0)
				break;
			have += (size_t)n;
			size_t used = check(buf, have, size, &next);
			memmove(buf, buf + used, have - used);
			have -= used;
		}
		free(buf);
	}
	printf("%llu records\n", (unsigned long long)next);
	return 0;
}
