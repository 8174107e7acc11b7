/* job.c — run one `ipcsh -c SCRIPT` the way a user would, and collect
 * what it cost: wall time, CPU of the whole job and the largest resident
 * set, from wait4() (Linux folds in every process the job reaped: its
 * stages and relays).
 *
 * The job runs in its own process group so that a timeout or a Ctrl-C of
 * the benchmark can stop all of it (ipcsh without job control keeps its
 * stages and relays in its own group; the transports' guardian lives in
 * its own session and cleans up after ipcsh whatever happens). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ERR_KEEP = 4096, KILL_GRACE_S = 2 };

static volatile sig_atomic_t got_stop, got_alarm;

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

static void on_alarm(int sig)
{
	(void)sig;
	got_alarm = 1;
}

void job_signals_init(void)
{
	/* No SA_RESTART: wait4() must return EINTR so we can act. */
	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
}

bool job_interrupted(void)
{
	return got_stop != 0;
}

void job_result_clear(struct job_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

/* In the child: fds 0 and 1 on /dev/null, 2 on the stderr memfd, the
 * result pipe and back channel at their fixed numbers, then exec. */
static _Noreturn void job_child(const struct job_spec *js, int null_fd, int err_fd, int res_w,
				const int back[2])
{
	setpgid(0, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	/* Every source fd is >= 10 (fd_move_high), so these never clobber
	 * one another; dup2 clears close-on-exec on the copies. */
	if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(err_fd, 2) < 0 ||
	    dup2(res_w, BENCH_FD_RESULT) < 0)
		_exit(126);
	if (back[0] >= 0 && (dup2(back[0], BENCH_FD_BACK_R) < 0 || dup2(back[1], BENCH_FD_BACK_W) < 0))
		_exit(126);
	const char *argv[7];
	int n = 0;
	argv[n++] = "ipcsh";
	if (js->keyfile) {
		argv[n++] = "--key";
		argv[n++] = js->keyfile;
	}
	argv[n++] = "-c";
	argv[n++] = js->script;
	argv[n] = NULL;
	execv(js->self, (char *const *)argv);
	_exit(127);
}

/* Move *fd to >= 10 (close-on-exec); *fd stays valid either way. */
static int move_high(int *fd)
{
	int n = fd_move_high(*fd);
	if (n < 0)
		return -1;
	*fd = n;
	return 0;
}

/* Pipe whose ends are both >= 10 and close-on-exec. */
static int pipe_high(int p[2])
{
	int q[2];
	if (pipe2(q, O_CLOEXEC) < 0)
		return -1;
	p[0] = fd_move_high(q[0]);
	p[1] = fd_move_high(q[1]);
	if (p[0] < 0 || p[1] < 0) {
		int e = errno;
		close(p[0] < 0 ? q[0] : p[0]);
		close(p[1] < 0 ? q[1] : p[1]);
		p[0] = p[1] = -1;
		errno = e;
		return -1;
	}
	return 0;
}

static char *read_avail(int fd, size_t max)
{
	struct strbuf sb = {0};
	char buf[4096];
	sb_adds(&sb, "");
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sb.len < max)
			sb_add(&sb, buf, sb.len + (size_t)n > max ? max - sb.len : (size_t)n);
	}
	return sb_detach(&sb);
}

/* Kill the job's group: SIGTERM first, SIGKILL after a grace period. */
static void job_stop(pid_t pid, struct job_result *r, bool *killed)
{
	if (!*killed) {
		r->timed_out = got_alarm != 0 && !got_stop;
		kill(-pid, SIGTERM);
		*killed = true;
		got_alarm = 0;
		alarm(KILL_GRACE_S);
	} else if (got_alarm) {
		kill(-pid, SIGKILL);
		got_alarm = 0;
	}
}

/* Wait for pid, killing its group on timeout or interrupt. The signals
 * stay blocked except inside ppoll(), so a Ctrl-C that arrives between
 * two checks is never lost (the pselect rule). */
static int job_wait(pid_t pid, unsigned timeout_s, struct job_result *r, struct rusage *ru)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	int pfd = pidfd_open(pid, 0), ws, rc = 0;
	bool killed = false;
	got_alarm = 0;
	alarm(timeout_s);
	for (;;) {
		if (got_alarm || (got_stop && !killed))
			job_stop(pid, r, &killed);
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		if (pfd >= 0 && ppoll(&p, 1, NULL, &old) < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (pfd < 0) {
			/* No pidfd (a kernel before 5.3, or valgrind): poll the
			 * child every 10 ms and take the blocked signals here. */
			pid_t w = wait4(pid, &ws, WNOHANG, ru);
			if (w == pid)
				break;
			if (w < 0 && errno != EINTR) {
				rc = -1;
				break;
			}
			struct timespec tick = {0, 10 * 1000 * 1000};
			int sig = sigtimedwait(&block, NULL, &tick);
			if (sig == SIGALRM)
				got_alarm = 1;
			else if (sig == SIGINT || sig == SIGTERM)
				got_stop = 1;
			continue;
		}
		pid_t w = wait4(pid, &ws, 0, ru);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			rc = -1;
			break;
		}
	}
	alarm(0);
	if (pfd >= 0)
		close(pfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return -1;
	/* Stages still alive in the group (a timeout): do not leave them. */
	if (killed)
		kill(-pid, SIGKILL);
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

int job_run(const struct job_spec *js, struct job_result *r)
{
	memset(r, 0, sizeof *r);
	r->status = -1;
	int res[2] = {-1, -1}, back[2] = {-1, -1}, null_fd = -1, err_fd = -1, rc = -1;
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	err_fd = memfd_create("ipcsh-bench-stderr", MFD_CLOEXEC);
	if (null_fd < 0 || err_fd < 0 || pipe_high(res) < 0 ||
	    (js->back_channel && pipe_high(back) < 0) || move_high(&null_fd) < 0 ||
	    move_high(&err_fd) < 0) {
		msg_errno("--bench: cannot set up a job");
		goto out;
	}
	struct rusage ru;
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		msg_errno("--bench: cannot fork");
		goto out;
	}
	if (pid == 0)
		job_child(js, null_fd, err_fd, res[1], back);
	setpgid(pid, pid); /* as the child does: no race with kill(-pid) */
	close(res[1]);
	res[1] = -1;
	if (job_wait(pid, js->timeout_s, r, &ru) < 0) {
		msg_errno("--bench: cannot wait for a job");
		goto out;
	}
	r->wall_s = (double)(now_ns() - t0) / 1e9;
	r->cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	r->maxrss_kb = ru.ru_maxrss;
	/* Every writer is gone unless a stage escaped the group: never block. */
	if (fd_set_nonblock(res[0], true) < 0) { /* a pipe: cannot fail */ }
	r->out = read_avail(res[0], 65536);
	if (lseek(err_fd, 0, SEEK_SET) == 0)
		r->err = read_avail(err_fd, ERR_KEEP);
	else
		r->err = xstrdup("");
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (res[i] >= 0)
			close(res[i]);
		if (back[i] >= 0)
			close(back[i]);
	}
	if (null_fd >= 0)
		close(null_fd);
	if (err_fd >= 0)
		close(err_fd);
	return rc;
}
