/* outthread.c — a consumer's relay as a thread of its own stage.
 *
 * `echo "$i" |[shm] read -r v`: the consumer is a forked ipcsh, and its
 * relay_out (the object into the stage's pipe) was one more fork of ipcsh,
 * the dearest thing a pipeline of built-ins does. When the consumer stage
 * runs ipcsh code (a built-in, a function, a compound command), the relay
 * runs as a thread of that stage instead (pipeline.c decides: a transport
 * with `out_thread`, no --stats). Its work and its messages are those of the
 * process relay; what changes:
 *  - SIGPIPE: the thread blocks every signal, so a write into a pipe whose
 *    reader left fails with EPIPE (the signal stays pending on the thread and
 *    is dropped with it), and the stage keeps its own SIGPIPE disposition
 *    (the relay's signal(SIGPIPE, SIG_IGN) is skipped: e->in_thread);
 *  - the end: the relay dies with its process. When the stage ends (exit,
 *    or an error that ends the forked shell) out_thread_end() says the
 *    reader is gone, as the process relay would on EPIPE, and a relay that
 *    failed makes a successful stage fail; out_thread_begin() told the
 *    producer's side first that the consumer holds the object itself, so a
 *    stage killed by a signal is a reader gone, not a dead relay;
 *  - exec: a program that takes the stage's place (exec, or the last
 *    command of a compound stage) would end the thread with the process, so
 *    out_thread_exec() forks first: the child execs, the stage process
 *    keeps relaying, waits, and ends as the program did;
 *  - forks of the stage (a subshell, a command substitution, a pipeline in
 *    a `while read` loop) do not have the thread: out_thread_forget();
 *  - messages: the thread's are kept (msg_capture), and the stage prints
 *    them when it ends, once the thread has: fd 2 may be redirected while
 *    the stage runs (`read v 2>/dev/null`), which would hide them, and a
 *    script's line number in them is shell state of the stage's thread.
 */
#include "outthread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct {
	struct edge *e;   /* the consumer's edge (the stage's copy) */
	int fd;           /* the write end of the stage's pipe */
	pid_t pid;        /* the process the thread runs in */
	pthread_t t;
	atomic_int rc;    /* -1 running, else relay_out's status */
	struct msg_capture msgs; /* the thread's messages, the stage's once rc >= 0 */
	int err_fd;       /* where they go: the stage's stderr before its redirections */
} ot = {NULL, -1, 0, 0, -1, {{0}, NULL}, -1};

void out_thread_keep_stderr(void)
{
	ot.err_fd = fcntl(2, F_DUPFD_CLOEXEC, 10);
}

int out_thread_stderr(void)
{
	return ot.err_fd;
}

static void drop_stderr(void)
{
	if (ot.err_fd >= 0)
		close(ot.err_fd);
	ot.err_fd = -1;
}

static void *out_thread_run(void *arg)
{
	(void)arg;
	msg_capture = &ot.msgs;
	int rc = ot.e->ops->relay_out(ot.e, ot.fd);
	/* rc first: a stage that reads EOF and ends finds it and the messages */
	atomic_store(&ot.rc, rc);
	close(ot.fd); /* the stage reads EOF */
	return NULL;
}

bool out_thread_start(struct edge *e, int fd)
{
	sigset_t all, old;
	sigfillset(&all);
	e->in_thread = true;
	ot.e = e;
	ot.fd = fd;
	ot.pid = getpid();
	atomic_store(&ot.rc, -1);
	const char *where = msg_where ? msg_where() : NULL;
	ot.msgs.where = where ? xstrdup(where) : NULL;
	if (e->ops->out_thread_begin)
		e->ops->out_thread_begin(e);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* the thread takes no signal */
	int err = pthread_create(&ot.t, NULL, out_thread_run, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		ot.e = NULL;
		drop_stderr();
		errno = err;
		return false;
	}
	return true;
}

static bool out_thread_here(void)
{
	return ot.e && ot.pid == getpid();
}

int out_thread_end(int status)
{
	if (!out_thread_here())
		return status;
	int rc = atomic_load(&ot.rc);
	if (rc < 0 && ot.e->ops->reader_gone)
		ot.e->ops->reader_gone(ot.e);
	/* A thread still running keeps its buffer: what it says after the
	 * reader left is about the reader leaving. */
	if (rc >= 0 && ot.msgs.out.len &&
	    write_all(ot.err_fd >= 0 ? ot.err_fd : 2, ot.msgs.out.buf, ot.msgs.out.len) < 0) { /* no stderr */ }
	ot.e = NULL;
	/* A relay that failed said why; the stage fails with it, as
	 * relay_verdict fails a pipeline whose relay did. */
	return rc > 0 && status == 0 ? 1 : status;
}

void out_thread_forget(void)
{
	ot.e = NULL;
	drop_stderr();
}

void out_thread_exec(void)
{
	if (!out_thread_here() || atomic_load(&ot.rc) >= 0)
		return;
	pid_t pid = fork();
	if (pid <= 0) {
		/* The child execs, or no fork: exec in place, and the relay
		 * ends with us. */
		if (pid == 0)
			ot.e = NULL;
		return;
	}
	/* Signals as the stage had them: ^Z stops us with the program, ^C
	 * ends both. */
	/* The program reads the pipe, not us: the relay sees EPIPE once it
	 * is gone with bytes unread. */
	close(0);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	int st = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	st = out_thread_end(st);
	if (WIFSIGNALED(ws)) {
		int sg = WTERMSIG(ws);
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sg);
		signal(sg, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		raise(sg);
	}
	_exit(st & 0xff);
}
