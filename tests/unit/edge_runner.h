/* edge_runner.h — a miniature executor for one edge, for tests and the
 * edgerun helper. It follows the executor's contract of transport.h to the
 * letter: prepare in the parent; relays in forked children that keep only
 * their pipe and relay_fds(); relay_count() on the consumer side when
 * --stats is on and the transport has no relays; release() after spawning;
 * consumer_exit() when the consumer is reaped; finish() after everything
 * is reaped.
 *
 * A stage is either a function run in a forked child (stdin/stdout set,
 * every other close-on-exec fd closed) or a shell command (sh -c).
 */
#ifndef IPCSH_EDGE_RUNNER_H
#define IPCSH_EDGE_RUNNER_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "transport/transport.h"

struct er_stage {
	int (*fn)(void *arg); /* run in the child; its return is the exit status */
	void *arg;
	const char *cmd;      /* or: a shell command */
};

enum { ER_PROD, ER_CONS, ER_RIN, ER_ROUT, ER_COUNT, ER_N };

struct er_run {
	struct edge e;
	pid_t pid[ER_N];   /* 0: not started */
	int status[ER_N];  /* wait status */
	bool timed_out;
	struct errbuf err;
};

static void er_child_stdio(int in, int out)
{
	signal(SIGPIPE, SIG_DFL);
	if (in >= 0 && in != 0)
		dup2(in, 0);
	if (out >= 0 && out != 1)
		dup2(out, 1);
	fd_close_cloexec_except(NULL, 0);
}

static pid_t er_spawn_stage(const struct er_stage *s, int in, int out)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	er_child_stdio(in, out);
	if (s->cmd) {
		execl("/bin/sh", "sh", "-c", s->cmd, (char *)NULL);
		_exit(127);
	}
	_exit(s->fn(s->arg));
}

/* side 0: relay_in reading `fd`; side 1: relay_out writing `fd`; 2: relay_count. */
static pid_t er_spawn_relay(struct er_run *r, int side, int fd, int other)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	signal(SIGPIPE, SIG_DFL);
	int keep[10];
	int n = 0;
	keep[n++] = fd;
	if (other >= 0)
		keep[n++] = other;
	if (side < 2 && r->e.ops->relay_fds)
		n += r->e.ops->relay_fds(&r->e, side, keep + n, 8);
	fd_close_cloexec_except(keep, (size_t)n);
	if (side == 0)
		_exit(r->e.ops->relay_in(&r->e, fd));
	if (side == 1)
		_exit(r->e.ops->relay_out(&r->e, fd));
	_exit(relay_count(other, fd, r->e.stats, "edge 1->2"));
}

/* Prepare the edge `spec` and start everything. -1 (message in r->err) if
 * prepare failed: nothing was started. */
static int er_start(struct er_run *r, const char *spec, bool want_stats, const struct er_stage *prod,
		    const struct er_stage *cons)
{
	memset(r, 0, sizeof *r);
	if (edge_spec_parse(spec, strlen(spec), &r->e.spec, &r->err) < 0)
		return -1;
	r->e.index = 1;
	r->e.ops = transport_ops_for(r->e.spec.kind);
	r->e.rfd = r->e.wfd = -1;
	r->e.stats = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	r->e.want_stats = want_stats;
	if (r->e.stats == MAP_FAILED || r->e.ops->prepare(&r->e, &r->err) < 0) {
		edge_spec_clear(&r->e.spec);
		return -1;
	}
	int pin[2] = {-1, -1}, pout[2] = {-1, -1};
	uint64_t g1 = 0, g2 = 0;
	int prod_out = r->e.wfd, cons_in = r->e.rfd;
	if (r->e.ops->relay_in) {
		if (pipe_make(pin, 1u << 20, &g1) < 0)
			abort();
		r->pid[ER_RIN] = er_spawn_relay(r, 0, pin[0], -1);
		prod_out = pin[1];
	}
	if (r->e.ops->relay_out) {
		if (pipe_make(pout, 1u << 20, &g2) < 0)
			abort();
		r->pid[ER_ROUT] = er_spawn_relay(r, 1, pout[1], -1);
		cons_in = pout[0];
	} else if (want_stats) {
		if (pipe_make(pout, 1u << 20, &g2) < 0)
			abort();
		r->pid[ER_COUNT] = er_spawn_relay(r, 2, pout[1], r->e.rfd);
		cons_in = pout[0];
	}
	r->pid[ER_PROD] = er_spawn_stage(prod, -1, prod_out);
	r->pid[ER_CONS] = er_spawn_stage(cons, cons_in, -1);
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
	}
	pipe_budget_release(g1 + g2);
	r->e.ops->release(&r->e);
	return 0;
}

/* Reap everything, killing it all after timeout_s seconds. */
static void er_wait(struct er_run *r, int timeout_s)
{
	struct timespec t0, now, ms = {0, 2000000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int left = 0;
		for (int i = 0; i < ER_N; i++) {
			if (r->pid[i] <= 0)
				continue;
			if (waitpid(r->pid[i], &r->status[i], WNOHANG) == r->pid[i]) {
				r->pid[i] = -r->pid[i];
				/* As the executor does when it reaps a consumer. */
				if (i == ER_CONS && r->e.ops->consumer_exit)
					r->e.ops->consumer_exit(&r->e);
			} else
				left++;
		}
		if (!left)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!r->timed_out && now.tv_sec - t0.tv_sec >= timeout_s) {
			r->timed_out = true;
			for (int i = 0; i < ER_N; i++)
				if (r->pid[i] > 0)
					kill(r->pid[i], SIGKILL);
		}
		nanosleep(&ms, NULL);
	}
	if (r->e.ops->finish)
		r->e.ops->finish(&r->e);
}

static void er_free(struct er_run *r)
{
	if (r->e.stats && r->e.stats != MAP_FAILED)
		munmap(r->e.stats, 4096);
	edge_spec_clear(&r->e.spec);
}

/* Exit code of a reaped process, 128+N if killed by signal N, -1 if none. */
static int er_code(const struct er_run *r, int which)
{
	if (r->pid[which] == 0)
		return -1;
	int st = r->status[which];
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
