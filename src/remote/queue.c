/* queue.c — stream bytes waiting for a local fd, and writing what an fd
 * takes now. Used by both ends, for the command's stdin on the daemon side
 * and for stdout/stderr on the client side. */
#include "proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rchunk {
	struct rchunk *next;
	size_t off, len;
	uint8_t data[];
};

void rqueue_push(struct rqueue *q, const uint8_t *p, size_t n)
{
	if (!n)
		return;
	struct rchunk *ch = xmalloc(sizeof *ch + n);
	ch->next = NULL;
	ch->off = 0;
	ch->len = n;
	memcpy(ch->data, p, n);
	if (q->tail)
		q->tail->next = ch;
	else
		q->head = ch;
	q->tail = ch;
	q->bytes += n;
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
