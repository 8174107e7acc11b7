/* tools.c — two hidden modes for `make bench` (bench/run.sh), so that the
 * project's own tracking times ipcsh, dash and bash with one clock:
 *
 *   ipcsh --bench --time [--reps N] [--warmup N] -- LABEL ARGV... [::: LABEL ARGV...]...
 *       runs each command (stdin and stdout on /dev/null) N times,
 *       interleaved (every second repetition in the reverse order, so
 *       that no row always follows the same one), and prints csv: label,
 *       runs, median/min/max wall ms, median CPU ms (user+sys, children
 *       included), peak RSS KiB, status, and every run's wall ms in
 *       repetition order (space-separated: runs of one repetition ran
 *       back to back, so their ratios pair them)
 *   ipcsh --bench --raw pipe|sock ARGV1... '|' ARGV2...
 *       the baseline without any shell: ARGV1's stdout joined to ARGV2's
 *       stdin by one pipe or socketpair; exits with ARGV2's status (or
 *       ARGV1's if only it failed) */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Spawn argv with fd `in` on 0 and `out` on 1 (-1: leave as is), every
 * signal default and none blocked. */
static pid_t spawn_with(char *const *argv, int in, int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e) {
		errno = e;
		return -1;
	}
	return pid;
}

static int wait_status(pid_t pid, struct rusage *ru)
{
	int ws;
	while (wait4(pid, &ws, 0, ru) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

struct timed {
	const char *label;
	char **argv;
	double *wall, *cpu;
	unsigned n;
	long rss_kb;
	int status;   /* first non-zero status seen */
};

static void time_once(struct timed *t, int null_fd, bool record)
{
	struct rusage ru;
	uint64_t t0 = now_ns();
	pid_t pid = spawn_with(t->argv, null_fd, null_fd);
	int st = pid < 0 ? 127 : wait_status(pid, &ru);
	double ms = (double)(now_ns() - t0) / 1e6;
	if (pid < 0)
		msg_errno("--bench --time: cannot run %s", t->argv[0]);
	if (st != 0) {
		if (!t->status)
			t->status = st < 0 ? 1 : st;
		return;
	}
	if (ru.ru_maxrss > t->rss_kb)
		t->rss_kb = ru.ru_maxrss;
	if (!record)
		return;
	t->wall[t->n] = ms;
	t->cpu[t->n] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	t->n++;
}

/* Split "LABEL ARGV... ::: LABEL ARGV..." in place. */
static size_t time_parse(char **argv, int argc, struct timed **out, unsigned reps)
{
	struct timed *t = NULL;
	size_t n = 0;
	for (int i = 0; i < argc;) {
		int j = i;
		while (j < argc && strcmp(argv[j], ":::") != 0)
			j++;
		if (j - i >= 2) {
			t = xrealloc(t, (n + 1) * sizeof *t);
			memset(&t[n], 0, sizeof *t);
			t[n].label = argv[i];
			t[n].argv = argv + i + 1;
			t[n].wall = xcalloc(reps, sizeof(double));
			t[n].cpu = xcalloc(reps, sizeof(double));
			n++;
		}
		argv[j < argc ? j : argc] = NULL; /* ends this argv (argv[argc] is NULL already) */
		i = j + 1;
	}
	*out = t;
	return n;
}

static void time_print(struct timed *t, size_t n)
{
	printf("label,runs,median_ms,min_ms,max_ms,cpu_ms,maxrss_kib,status,runs_ms\n");
	for (size_t i = 0; i < n; i++) {
		struct strbuf runs = {0};
		for (unsigned k = 0; k < t[i].n; k++) /* before stat_median sorts them */
			sb_addf(&runs, "%s%.3f", k ? " " : "", t[i].wall[k]);
		double lo = stat_min(t[i].wall, t[i].n), hi = stat_max(t[i].wall, t[i].n);
		double med = stat_median(t[i].wall, t[i].n), cpu = stat_median(t[i].cpu, t[i].n);
		printf("%s,%u,%.3f,%.3f,%.3f,%.3f,%ld,%d,%s\n", t[i].label, t[i].n, med, lo, hi, cpu,
		       t[i].rss_kb, t[i].status, runs.buf ? runs.buf : "");
		sb_free(&runs);
	}
	fflush(stdout);
}

int bench_time(int argc, char **argv)
{
	uint64_t reps = 10, warm = 1;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		uint64_t *dst = !strcmp(argv[i], "--reps") ? &reps : !strcmp(argv[i], "--warmup") ? &warm : NULL;
		if (!dst || i + 1 >= argc || parse_size(argv[i + 1], dst) < 0 || reps < 1 || reps > 100000) {
			msg_err("--bench --time: usage: [--reps N] [--warmup N] -- LABEL ARGV... [::: LABEL ARGV...]...");
			return 2;
		}
	}
	struct timed *t;
	size_t n = i < argc ? time_parse(argv + i + 1, argc - i - 1, &t, (unsigned)reps) : 0;
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (n == 0 || null_fd < 0) {
		msg_err("--bench --time: nothing to run");
		return 2;
	}
	for (uint64_t r = 0; r < warm + reps; r++)
		for (size_t k = 0; k < n; k++)
			time_once(&t[r % 2 ? n - 1 - k : k], null_fd, r >= warm);
	close(null_fd);
	time_print(t, n);
	int rc = 0;
	for (size_t k = 0; k < n; k++) {
		rc |= t[k].status != 0;
		free(t[k].wall);
		free(t[k].cpu);
	}
	free(t);
	return rc;
}

int bench_raw(int argc, char **argv)
{
	int bar = 2;
	while (bar < argc && strcmp(argv[bar], "|") != 0)
		bar++;
	bool sock = argc > 1 && !strcmp(argv[1], "sock");
	if (argc < 5 || bar < 3 || bar >= argc - 1 || (!sock && strcmp(argv[1], "pipe") != 0)) {
		msg_err("--bench --raw: usage: pipe|sock ARGV1... '|' ARGV2...");
		return 2;
	}
	argv[bar] = NULL;
	int fds[2];
	int r = sock ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) : pipe2(fds, O_CLOEXEC);
	if (r < 0) {
		msg_errno("--bench --raw: cannot make a %s", sock ? "socketpair" : "pipe");
		return 1;
	}
	/* A pipe reads from [0] and writes to [1]; a socketpair either way. */
	pid_t a = spawn_with(argv + 2, -1, fds[1]);
	pid_t b = a < 0 ? -1 : spawn_with(argv + bar + 1, fds[0], -1);
	int e = errno;
	close(fds[0]);
	close(fds[1]);
	if (a < 0 || b < 0) {
		errno = e;
		msg_errno("--bench --raw: cannot run %s", a < 0 ? argv[2] : argv[bar + 1]);
		if (a > 0)
			wait_status(a, &(struct rusage){0});
		return 127;
	}
	int sa = wait_status(a, &(struct rusage){0}), sb = wait_status(b, &(struct rusage){0});
	return sb ? sb : sa;
}
