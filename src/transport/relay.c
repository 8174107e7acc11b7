/* relay.c — what every relay shares: the liveness pair, messages, stats,
 * and relay_count(), the counting relay the executor inserts for --stats on
 * edges that have no relay of their own. */
#include "internal.h"
#include "ring.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int live_make(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
}

int live_peek(int fd, bool *direct)
{
	for (;;) {
		char c;
		ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 1 && c == LIVE_DIRECT && direct) {
			*direct = true;
			continue;
		}
		if (n == 1)
			return c == LIVE_READER_GONE ? 1 : 2;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		/* EOF or reset: the peer relay is gone without a word; a stage
		 * that relayed in a thread left as a reader leaves a pipe. */
		return direct && *direct ? 1 : 2;
	}
}

void live_say(int fd, char c)
{
	if (send(fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* The peer is gone already: nothing to tell it. */
	}
}

void live_say_gone(int fd)
{
	live_say(fd, LIVE_READER_GONE);
}

bool relay_out_gone(int out)
{
	struct pollfd pf = {out, 0, 0};
	return poll(&pf, 1, 0) == 1 && (pf.revents & (POLLERR | POLLHUP));
}

int relay_in_wait(const struct edge *e, int in, int live, bool *direct)
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
	int l = live_peek(live, direct);
	if (l == 2) {
		relay_msg(e, "the consumer-side relay died");
		return -1;
	}
	return l;
}

void relay_batch_init(void)
{
	if (prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0) < 0) {
		/* The default slack only makes the nap longer. */
	}
}

bool relay_batch_nap(unsigned streak)
{
	if (streak < 2)
		return false;
	struct timespec ts = {0, RELAY_BATCH_NS};
	nanosleep(&ts, NULL);
	return true;
}

void edge_ends(const struct edge *e, char *buf, size_t len)
{
	if (e->ends[0])
		snprintf(buf, len, "%s", e->ends);
	else
		snprintf(buf, len, "%d->%d", e->index, e->index + 1);
}

void edge_label(const struct edge *e, char *buf, size_t len)
{
	char ends[64];
	edge_ends(e, ends, sizeof ends);
	snprintf(buf, len, "edge %s (%s)", ends, e->ops ? e->ops->name : transport_name(e->spec.kind));
}

int edge_ring_size(const struct edge *e, uint64_t *size, struct errbuf *err)
{
	uint64_t want = (e->spec.set & EOPT_SIZE) ? e->spec.size : RING_DEFAULT_SIZE;
	*size = ring_round_size(want);
	if (*size)
		return 0;
	char label[64];
	edge_label(e, label, sizeof label);
	errbuf_set(err, "%s: size=%llu exceeds the largest ring (1G): use a smaller size", label,
		   (unsigned long long)want);
	return -1;
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

/* Coalescing: after a chunk shorter than this, the counting relay naps for
 * COUNT_NAP_NS before it moves the next one, so that a producer writing
 * small blocks (dd bs=4k) fills the pipe meanwhile and the relay and the
 * consumer wake once per large chunk instead of once per block: on this
 * kind of machine a wake-up across vCPUs costs about as much as copying
 * 1 MiB (NOTES.md). An isolated message is never delayed: the nap comes
 * after a chunk is passed on, and only delays the next one, by at most
 * COUNT_NAP_NS. docs/BENCHMARKS.md has the figures. */
#define COUNT_SHORT (64u * 1024u)
#define COUNT_NAP_NS 50000L

static void count_nap(ssize_t n)
{
	if ((size_t)n >= COUNT_SHORT)
		return;
	struct timespec ts = {0, COUNT_NAP_NS};
	nanosleep(&ts, NULL);
}

/* The consumer side left while we were blocked writing into a socket: the
 * executor signals us as it signals a producer (transport sock). */
static volatile sig_atomic_t count_sigpipe;

static void on_sigpipe(int sig)
{
	(void)sig;
	count_sigpipe = 1;
}

/* Write all of buf to out, counting what went in; 0, or -1 with errno
 * (EPIPE once told to stop). */
static int count_write(int out, const char *buf, size_t n, struct edge_stats *st)
{
	while (n > 0) {
		ssize_t w = write(out, buf, n);
		if (w > 0) {
			count_bytes(st, w);
			buf += w;
			n -= (size_t)w;
		}
		if (count_sigpipe) {
			errno = EPIPE;
			return -1;
		}
		if (w < 0 && errno != EINTR)
			return -1;
	}
	return 0;
}

/* read/write: when splice() refuses the pair of fds, and into a socket,
 * where one large send() beats splicing (which sends one skb per page, so
 * 4 KiB writes would reach the consumer as 4 KiB skbs). */
static int count_copy(int in, int out, struct edge_stats *st, const char *what)
{
	size_t cap = 1u << 20;
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
		if (count_write(out, buf, (size_t)n, st) < 0) {
			if (errno != EPIPE && errno != ECONNRESET) {
				msg_errno("%s: cannot write the stream", what);
				rc = 1;
			}
			break; /* the consumer left; our exit stops the producer */
		}
		count_nap(n);
	}
	free(buf);
	return rc;
}

static bool is_socket(int fd)
{
	struct stat sb;
	return fstat(fd, &sb) == 0 && S_ISSOCK(sb.st_mode);
}

int relay_count(int in, int out, struct edge_stats *st, const char *what)
{
	/* EPIPE, not death by SIGPIPE, when the consumer leaves early: exiting
	 * then closes `in`, and the producer gets its SIGPIPE as with a pipe.
	 * A handler rather than SIG_IGN, so that a SIGPIPE sent to us also
	 * interrupts a write blocked on a socket. */
	struct sigaction sa = {.sa_handler = on_sigpipe};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	int rc = 0;
	if (is_socket(out)) {
		rc = count_copy(in, out, st, what);
		goto done;
	}
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
		count_nap(n);
	}
done:
	st->t_last = now_ns();
	st->counted = 1;
	return rc;
}
