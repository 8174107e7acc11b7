/* queue.c — stream bytes waiting for a local fd, and writing what an fd
 * takes now. Used by both ends, for the command's stdin on the daemon side
 * and for stdout/stderr on the client side.
 *
 * Bytes are packed into fixed-size chunks whatever the size of the frames
 * that brought them: a peer sending one-byte frames costs one byte each, not
 * one allocation each (2 M one-byte frames grew a session by 50 MB when each
 * frame had its chunk). The queue's memory is thus its bytes, bounded by the
 * stream's window, plus at most two partly used chunks. */
#include "proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RQ_CHUNK 65536u

struct rchunk {
	struct rchunk *next;
	size_t off, len;          /* written out up to off; filled up to len */
	uint8_t data[RQ_CHUNK];
};

void rqueue_push(struct rqueue *q, const uint8_t *p, size_t n)
{
	while (n) {
		struct rchunk *ch = q->tail;
		if (!ch || ch->len == RQ_CHUNK) {
			ch = xmalloc(sizeof *ch);
			ch->next = NULL;
			ch->off = ch->len = 0;
			if (q->tail)
				q->tail->next = ch;
			else
				q->head = ch;
			q->tail = ch;
		}
		size_t k = RQ_CHUNK - ch->len < n ? RQ_CHUNK - ch->len : n;
		memcpy(ch->data + ch->len, p, k);
		ch->len += k;
		q->bytes += k;
		p += k;
		n -= k;
	}
}

ssize_t rp_write_some(int fd, const uint8_t *p, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				break;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

int rqueue_drain(struct rqueue *q, int fd, size_t *done)
{
	while (q->head) {
		struct rchunk *ch = q->head;
		ssize_t w = rp_write_some(fd, ch->data + ch->off, ch->len - ch->off);
		if (w < 0)
			return -1;
		ch->off += (size_t)w;
		q->bytes -= (size_t)w;
		*done += (size_t)w;
		if (ch->off < ch->len)
			return 0;
		/* Emptied: freed even when it is the tail, so an idle queue
		 * holds no memory. */
		q->head = ch->next;
		if (!q->head)
			q->tail = NULL;
		free(ch);
	}
	return 0;
}

size_t rqueue_clear(struct rqueue *q)
{
	size_t n = q->bytes;
	while (q->head) {
		struct rchunk *ch = q->head;
		q->head = ch->next;
		free(ch);
	}
	q->tail = NULL;
	q->bytes = 0;
	return n;
}
