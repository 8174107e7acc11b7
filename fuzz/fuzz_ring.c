/* fuzz_ring.c — the shm ring (src/transport/ring.c) under random
 * producer/consumer schedules, in one process with two handles on one
 * mapping (what fork gives the two relays). Each input byte is one step:
 *   bit 7 set: the producer writes up to (byte & 63) * 97 + 1 bytes of a
 *              known stream, through reserve/commit, possibly in pieces;
 *   else:      the consumer takes up to (byte & 63) * 89 + 1 bytes through
 *              peek/consume and checks them against the stream;
 *   bits 4-6 all set: after the step, if that side could go on, its wait
 *              (which must then return at once: a wait that would sleep
 *              is left to the unit tests, as it costs a reschedule).
 * The first byte picks the ring size (4 KiB .. 64 KiB). At the end the
 * producer closes, the consumer drains, and every byte must have arrived in
 * order exactly once, then EOF; a second pass checks reader-gone. Any
 * broken invariant (more free space than the ring has, more readable
 * bytes than written, a wrong byte) traps. */
#include <stdint.h>
#include <string.h>

#include "transport/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The stream: byte i is pattern[i % PERIOD]; the table is longer than one
 * period by the largest ring, so any contiguous piece is one memcpy. */
#define PERIOD 65521u
static uint8_t pattern[PERIOD + (RING_MIN_SIZE << 4)];

static const uint8_t *stream_at(uint64_t i)
{
	if (!pattern[1])
		for (size_t k = 0; k < sizeof pattern; k++)
			pattern[k] = (uint8_t)((k % PERIOD) * 131u + (k % PERIOD >> 9) + 7u);
	return pattern + i % PERIOD;
}

static void produce(struct ring *p, uint64_t *sent, size_t want)
{
	while (want) {
		void *w;
		size_t n = ring_reserve(p, &w);
		if (n > p->size || ring_head(p) - ring_tail(p) + n > p->size)
			__builtin_trap();
		if (n == 0)
			return;
		if (n > want)
			n = want;
		memcpy(w, stream_at(*sent), n);
		ring_commit(p, n);
		*sent += n;
		want -= n;
	}
}

static void consume(struct ring *c, uint64_t *got, uint64_t sent, size_t want)
{
	while (want) {
		const void *r;
		size_t n = ring_peek(c, &r);
		if (n > c->size || *got + n > sent)
			__builtin_trap();
		if (n == 0)
			return;
		if (n > want)
			n = want;
		if (memcmp(r, stream_at(*got), n) != 0)
			__builtin_trap();
		ring_consume(c, n);
		*got += n;
		want -= n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	ring_spin_policy(1 << 30); /* never spin: one process plays both sides */
	struct ring p, c;
	if (ring_create(&p, RING_MIN_SIZE << (data[0] % 5)) < 0)
		return 0;
	c = p; /* the consumer's own handle, as after fork() */
	uint64_t sent = 0, got = 0;
	for (size_t i = 1; i < size; i++) {
		uint8_t op = data[i];
		if (op & 0x80) {
			produce(&p, &sent, (size_t)(op & 63) * 97 + 1);
			void *w;
			if ((op & 0x70) == 0x70 && ring_reserve(&p, &w) && !ring_wait_space(&p, 0))
				__builtin_trap();
		} else {
			consume(&c, &got, sent, (size_t)(op & 63) * 89 + 1);
			const void *r;
			if ((op & 0x70) == 0x70 && ring_peek(&c, &r) && !ring_wait_data(&c, 0))
				__builtin_trap();
		}
		if (ring_eof(&c) || ring_reader_gone(&p))
			__builtin_trap();
	}
	ring_close_write(&p);
	consume(&c, &got, sent, SIZE_MAX);
	if (got != sent || !ring_eof(&c) || ring_head(&p) != sent || ring_tail(&c) != sent)
		__builtin_trap();
	ring_destroy(&p);

	/* Reader gone: the producer sees it and the ring takes no more waits. */
	if (ring_create(&p, RING_MIN_SIZE) < 0)
		return 0;
	c = p;
	sent = got = 0;
	produce(&p, &sent, size);
	consume(&c, &got, sent, size / 2);
	ring_close_read(&c);
	if (!ring_reader_gone(&p))
		__builtin_trap();
	(void)ring_wait_space(&p, 0);
	ring_destroy(&p);
	return 0;
}
