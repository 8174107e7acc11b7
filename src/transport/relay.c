/* relay.c — what every relay shares: the liveness pair, messages, stats,
 * and relay_count(), the counting relay the executor inserts for --stats on
 * edges that have no relay of their own. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int live_make(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
}

int live_peek(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
	if (n == 1)
		return c == LIVE_READER_GONE ? 1 : 2;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return 2; /* EOF or reset: the peer relay is gone without a word */
}

void live_say_gone(int fd)
{
	char c = LIVE_READER_GONE;
	if (send(fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* The peer is gone already: nothing to stop. */
	}
}

bool relay_out_gone(int out)
{
	struct pollfd pf = {out, 0, 0};
	return poll(&pf, 1, 0) == 1 && (pf.revents & (POLLERR | POLLHUP));
}

int relay_in_wait(const struct edge *e, int in, int live)
{
	struct pollfd pf[2] = {{in, POLLIN, 0}, {live, POLLIN, 0}};
	if (poll(pf, 2, -1) < 0) {
		if (errno == EINTR)
			return 0;
		relay_msg(e, "cannot poll the producer's pipe: %s", strerror(errno));
		return -1;
	}
	if (!pf[1].revents)
		return 0;
	int l = live_peek(live);
	if (l == 2) {
		relay_msg(e, "the consumer-side relay died");
		return -1;
	}
	return l;
}

void edge_label(const struct edge *e, char *buf, size_t len)
{
	snprintf(buf, len, "edge %d->%d (%s)", e->index, e->index + 1,
		 e->ops ? e->ops->name : transport_name(e->spec.kind));
}

void relay_msg(const struct edge *e, const char *fmt, ...)
{
	char label[64], text[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	edge_label(e, label, sizeof label);
	msg_err("%s: %s", label, text);
}

void stats_add(const struct edge *e, uint64_t bytes, uint64_t msgs)
{
	struct edge_stats *st = e->stats;
	if (!e->want_stats || !st)
		return;
	if (!st->t_first && bytes)
		st->t_first = now_ns();
	st->bytes += bytes;
	st->msgs += msgs;
}

void stats_end(const struct edge *e)
{
	if (!e->want_stats || !e->stats)
		return;
	e->stats->t_last = now_ns();
	e->stats->counted = 1;
}

static void count_bytes(struct edge_stats *st, ssize_t n)
{
	if (!st->t_first)
		st->t_first = now_ns();
	st->bytes += (uint64_t)n;
}

/* The read/write fallback (when splice() refuses the pair of fds). */
static int count_copy(int in, int out, struct edge_stats *st, const char *what)
{
	size_t cap = 1u << 16;
	char *buf = xmalloc(cap);
	int rc = 0;
	for (;;) {
		ssize_t n = read(in, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			msg_errno("%s: cannot read the stream", what);
			rc = 1;
			break;
		}
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n) < 0) {
			if (errno != EPIPE) {
				msg_errno("%s: cannot write the stream", what);
				rc = 1;
			}
			break; /* EPIPE: the consumer left; our exit stops the producer */
		}
		count_bytes(st, n);
	}
	free(buf);
	return rc;
}

int relay_count(int in, int out, struct edge_stats *st, const char *what)
{
	/* EPIPE, not death by SIGPIPE, when the consumer leaves early: exiting
	 * then closes `in`, and the producer gets its SIGPIPE as with a pipe. */
	signal(SIGPIPE, SIG_IGN);
	int rc = 0;
	for (;;) {
		ssize_t n = splice(in, NULL, out, NULL, 1u << 20, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EINVAL) {
			rc = count_copy(in, out, st, what);
			break;
		}
		if (n < 0) {
			if (errno != EPIPE) {
				msg_errno("%s: cannot relay the stream", what);
				rc = 1;
			}
			break;
		}
		if (n == 0)
			break;
		count_bytes(st, n);
	}
	st->t_last = now_ns();
	st->counted = 1;
	return rc;
}
