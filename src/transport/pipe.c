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
#include "internal.h"

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

uint64_t pipe_max_size(void)
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

/* Grow fd's buffer to `want` if ipcsh's share of the budget allows;
 * quietly leave it alone otherwise. *got: the share taken (0 if none). */
static void pipe_grow(int fd, uint64_t want, uint64_t *got)
{
	*got = 0;
	if (!want)
		return;
	int cur = fcntl(fd, F_GETPIPE_SZ);
	if (cur < 0 || want <= (uint64_t)cur)
		return;
	if (want > pipe_max_size())
		want = pipe_max_size();
	if (budget_used + want > budget_share())
		return; /* quietly keep the default size */
	int r = fcntl(fd, F_SETPIPE_SZ, (int)want);
	if (r < 0)
		return; /* EPERM past the budget: keep the default */
	*got = (uint64_t)r;
	budget_used += (uint64_t)r;
}

int pipe_make(int fds[2], uint64_t want, uint64_t *got)
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pipe_grow(fds[1], want, got);
	return 0;
}

void pipe_budget_release(uint64_t bytes)
{
	budget_used = bytes > budget_used ? 0 : budget_used - bytes;
}

struct pipe_priv {
	uint64_t got;
};

int pipe_size_edge(struct edge *e, int fd, uint64_t *got, struct errbuf *err)
{
	char label[64];
	edge_label(e, label, sizeof label);
	bool explicit = e->spec.set & EOPT_SIZE;
	uint64_t want = explicit ? e->spec.size : PIPE_DEFAULT_WANT;
	*got = 0;
	if (explicit && want > pipe_max_size()) {
		errbuf_set(err, "%s: size=%llu exceeds /proc/sys/fs/pipe-max-size (%llu): use a smaller size",
			   label, (unsigned long long)want, (unsigned long long)pipe_max_size());
		return -1;
	}
	pipe_grow(fd, want, got);
	if (!explicit || *got)
		return 0;
	int cur = fcntl(fd, F_GETPIPE_SZ);
	/* An explicit size is honoured beyond ipcsh's share (or below the
	 * default) if the kernel allows it: the user asked for it. */
	if (cur >= 0 && (uint64_t)cur != want && fcntl(fd, F_SETPIPE_SZ, (int)want) < 0) {
		errbuf_set(err, "%s: cannot set size=%llu: %s (per-user pipe budget /proc/sys/fs/pipe-user-pages-soft): use a smaller size",
			   label, (unsigned long long)want, strerror(errno));
		return -1;
	}
	return 0;
}

static int pipe_prepare(struct edge *e, struct errbuf *err)
{
	int fds[2];
	uint64_t got;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		char label[64];
		edge_label(e, label, sizeof label);
		errbuf_set(err, "%s: cannot create pipe: %s", label, strerror(errno));
		return -1;
	}
	if (pipe_size_edge(e, fds[1], &got, err) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	struct pipe_priv *p = xcalloc(1, sizeof *p);
	p->got = got;
	e->priv = p;
	e->rfd = fds[0];
	e->wfd = fds[1];
	char sz[32]; /* what F_SETPIPE_SZ gave, else ask */
	format_size(got ? got : (uint64_t)fcntl(fds[1], F_GETPIPE_SZ), sz, sizeof sz);
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
