/* pipe.c — the `pipe` transport (pipe2 + F_SETPIPE_SZ) and ipcsh's own
 * plumbing pipes.
 *
 * The per-user pipe budget (/proc/sys/fs/pipe-user-pages-soft) is shared by
 * every program of the user: once it is used up, every new pipe of that
 * user gets a minimal 2-page buffer. ipcsh therefore takes at most a quarter
 * of it for enlarged pipes, and gives its share back when a pipeline ends.
 * Root is exempt from the budget, but we count the same way for everyone so
 * behaviour does not depend on who runs it.
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PIPE_DEFAULT_WANT (1u << 20)

static uint64_t budget_used;   /* bytes of enlarged pipes ipcsh holds now */
static int64_t budget_total = -1;

static uint64_t budget_share(void)
{
	if (budget_total < 0) {
		budget_total = 16384LL * 4096; /* the kernel default */
		FILE *f = fopen("/proc/sys/fs/pipe-user-pages-soft", "re");
		long long pages;
		if (f) {
			if (fscanf(f, "%lld", &pages) == 1)
				budget_total = pages > 0 ? pages * 4096 : 0;
			fclose(f);
		}
	}
	/* 0 means "no limit" to the kernel; still be modest then. */
	uint64_t total = budget_total ? (uint64_t)budget_total : 16384ull * 4096;
	return total / 4;
}

static uint64_t pipe_max_size(void)
{
	static uint64_t max;
	if (!max) {
		max = 1u << 20;
		FILE *f = fopen("/proc/sys/fs/pipe-max-size", "re");
		unsigned long long v;
		if (f) {
			if (fscanf(f, "%llu", &v) == 1 && v >= 4096)
				max = v;
			fclose(f);
		}
	}
	return max;
}

int pipe_make(int fds[2], uint64_t want, uint64_t *got)
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	*got = 0;
	int cur = fcntl(fds[1], F_GETPIPE_SZ);
	if (cur < 0 || want <= (uint64_t)cur)
		return 0;
	if (want > pipe_max_size())
		want = pipe_max_size();
	uint64_t share = budget_share();
	if (budget_used + want > share)
		return 0; /* quietly keep the default size */
	int r = fcntl(fds[1], F_SETPIPE_SZ, (int)want);
	if (r < 0)
		return 0; /* EPERM past the budget: keep the default */
	*got = (uint64_t)r;
	budget_used += (uint64_t)r;
	return 0;
}

void pipe_budget_release(uint64_t bytes)
{
	budget_used = bytes > budget_used ? 0 : budget_used - bytes;
}

struct pipe_priv {
	uint64_t got;
};

static int pipe_prepare(struct edge *e, struct errbuf *err)
{
	int fds[2];
	uint64_t got;
	bool explicit = e->spec.set & EOPT_SIZE;
	uint64_t want = explicit ? e->spec.size : PIPE_DEFAULT_WANT;
	if (explicit && want > pipe_max_size()) {
		errbuf_set(err, "edge %d->%d (pipe): size=%llu exceeds /proc/sys/fs/pipe-max-size (%llu): use a smaller size",
			   e->index, e->index + 1, (unsigned long long)want,
			   (unsigned long long)pipe_max_size());
		return -1;
	}
	if (pipe_make(fds, want, &got) < 0) {
		errbuf_set(err, "edge %d->%d (pipe): cannot create pipe: %s", e->index, e->index + 1,
			   strerror(errno));
		return -1;
	}
	if (explicit && got == 0 && fcntl(fds[1], F_GETPIPE_SZ) < (int)want) {
		/* An explicit size is honoured beyond ipcsh's share if the kernel allows. */
		int r = fcntl(fds[1], F_SETPIPE_SZ, (int)want);
		if (r < 0) {
			errbuf_set(err, "edge %d->%d (pipe): cannot set size=%llu: %s (per-user pipe budget /proc/sys/fs/pipe-user-pages-soft)",
				   e->index, e->index + 1, (unsigned long long)want, strerror(errno));
			close(fds[0]);
			close(fds[1]);
			return -1;
		}
	}
	struct pipe_priv *p = xcalloc(1, sizeof *p);
	p->got = got;
	e->priv = p;
	e->rfd = fds[0];
	e->wfd = fds[1];
	char sz[32];
	format_size((uint64_t)fcntl(fds[1], F_GETPIPE_SZ), sz, sizeof sz);
	snprintf(e->actual, sizeof e->actual, "size=%s", sz);
	return 0;
}

static void pipe_release(struct edge *e)
{
	struct pipe_priv *p = e->priv;
	if (e->rfd >= 0)
		close(e->rfd);
	if (e->wfd >= 0)
		close(e->wfd);
	e->rfd = e->wfd = -1;
	if (p)
		pipe_budget_release(p->got);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_pipe = {
	.name = "pipe",
	.prepare = pipe_prepare,
	.release = pipe_release,
};
