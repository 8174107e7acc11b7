/* jobs.c — job built-ins: jobs, fg, bg, kill, wait, disown. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../exec/shell.h"
#include "../job/job.h"
#include "../job/sig.h"
#include "../util/util.h"
#include "builtin.h"


static void print_job_fd1(struct job *j, bool longfmt, bool pids)
{
	if (pids) {
		out_printf("%ld\n", (long)(j->pgid ? j->pgid : j->nprocs ? j->procs[0].pid : 0));
		return;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	job_print(f, j, longfmt);
	fclose(f);
	out_printf("%s", buf);
	free(buf);
}

int bi_jobs(int argc, char **argv)
{
	bool longfmt = false, pids = false;
	struct bopt g = BOPT_INIT;
	int c;
	while ((c = builtin_getopt(&g, argc, argv, "lp")) != -1) {
		if (c == '?')
			return 2;
		longfmt |= c == 'l';
		pids |= c == 'p';
	}
	int i = g.ind;
	job_reap(false);
	int st = 0;
	if (i < argc) {
		for (; i < argc; i++) {
			struct job *j = job_find(argv[i], "jobs");
			if (!j)
				st = 1;
			else
				print_job_fd1(j, longfmt, pids);
		}
		return st;
	}
	for (struct job *j = job_first(); j; j = j->next) {
		if (!j->background)
			continue;
		print_job_fd1(j, longfmt, pids);
		j->notified = true;
	}
	/* Only now: removing a job moves the +/- marks of the others. */
	struct job *next;
	for (struct job *j = job_first(); j; j = next) {
		next = j->next;
		if (j->background && job_state(j) == JOB_DONE)
			job_remove(j);
	}
	return 0;
}

static int need_jobctl(const char *who)
{
	if (!sh.jobctl) {
		msg_err("%s: no job control", who);
		return -1;
	}
	return 0;
}

/* A job brought back with fg and killed by a signal: end the "^C" line, or
 * name the signal, as a foreground pipeline does (pipeline.c finish()). */
static void report_signal(struct job *j)
{
	for (size_t i = 0; i < j->nprocs; i++) {
		struct proc *p = &j->procs[i];
		if (p->role != ROLE_STAGE || p->index != j->nstages - 1 || !WIFSIGNALED(p->wstatus))
			continue;
		int sg = WTERMSIG(p->wstatus);
		if (sg == SIGINT)
			err_printf("\n");
		else if (sg != SIGPIPE)
			err_printf("%s%s\n", strsignal(sg), WCOREDUMP(p->wstatus) ? " (core dumped)" : "");
	}
}

int bi_fg(int argc, char **argv)
{
	if (need_jobctl("fg") < 0)
		return 1;
	struct job *j = job_find(argc > 1 ? argv[1] : NULL, "fg");
	if (!j)
		return 1;
	out_printf("%s\n", j->text);
	job_make_current(j);
	job_wait_fg(j, true);
	if (job_state(j) == JOB_STOPPED)
		return 128 + SIGTSTP;
	int st = job_status(j, sh.opt_pipefail);
	report_signal(j);
	job_remove(j);
	return st;
}

int bi_bg(int argc, char **argv)
{
	if (need_jobctl("bg") < 0)
		return 1;
	int st = 0;
	for (int i = 1; i < argc || i == 1; i++) {
		struct job *j = job_find(i < argc ? argv[i] : NULL, "bg");
		if (!j) {
			st = 1;
		} else if (job_state(j) != JOB_STOPPED) {
			msg_err("bg: job %d already in background", j->id);
		} else {
			job_continue_bg(j);
			out_printf("[%d]%c %s &\n", j->id, job_mark(j), j->text);
		}
		if (argc <= 1)
			break;
	}
	return st;
}

/* A signal for kill: a name or number, or 0 (POSIX: only check that the
 * process exists and may be signalled), which sig_from_name() refuses. */
static int kill_signal(const char *s)
{
	return strcmp(s, "0") == 0 ? 0 : sig_from_name(s);
}

/* kill -l: every signal; kill -l N...: the name of signal N (or of the
 * signal that killed a process whose status is N > 128); kill -l NAME: its
 * number, as in bash. */
static int kill_list(int argc, char **argv)
{
	if (argc <= 0) {
		for (int s = 1; s < NSIG; s++)
			if (sig_name(s))
				out_printf("%2d) SIG%s\n", s, sig_name(s));
		return 0;
	}
	int st = 0;
	for (int i = 0; i < argc; i++) {
		char *end;
		long n = strtol(argv[i], &end, 10);
		if (*argv[i] && !*end) {
			if (n > 128)
				n -= 128;
			const char *name = n > 0 && n < NSIG ? sig_name((int)n) : NULL;
			if (name) {
				out_printf("%s\n", name);
				continue;
			}
		} else {
			int sig = sig_from_name(argv[i]);
			if (sig > 0) {
				out_printf("%d\n", sig);
				continue;
			}
		}
		msg_err("kill: %s: invalid signal specification", argv[i]);
		st = 1;
	}
	return st;
}

int bi_kill(int argc, char **argv)
{
	int sig = SIGTERM;
	int i = 1;
	if (i < argc && strcmp(argv[i], "-l") == 0)
		return kill_list(argc - 2, argv + 2);
	if (i < argc && strcmp(argv[i], "-s") == 0) {
		if (i + 1 >= argc || (sig = kill_signal(argv[i + 1])) < 0) {
			msg_err("kill: %s: invalid signal specification", i + 1 < argc ? argv[i + 1] : "");
			return 2;
		}
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
		if ((sig = kill_signal(argv[i] + 1)) < 0) {
			msg_err("kill: %s: invalid signal specification", argv[i] + 1);
			return 2;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		msg_err("kill: usage: kill [-SIG | -s SIG] PID|JOB... or kill -l [N|NAME...]");
		return 2;
	}
	int st = 0;
	for (; i < argc; i++) {
		if (argv[i][0] == '%') {
			struct job *j = job_find(argv[i], "kill");
			if (!j || job_kill(j, sig) < 0) {
				if (j)
					msg_errno("kill: %s", argv[i]);
				st = 1;
			} else if (sig == SIGCONT || sig == SIGTERM || sig == SIGHUP || sig == SIGKILL) {
				/* A stopped job must run to act on the signal. */
				if (job_state(j) == JOB_STOPPED && sig != SIGCONT)
					job_kill(j, SIGCONT);
			}
			continue;
		}
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*end || !*argv[i]) {
			msg_err("kill: %s: arguments must be process or job IDs", argv[i]);
			st = 1;
			continue;
		}
		if (kill((pid_t)pid, sig) < 0) {
			msg_errno("kill: (%ld)", pid);
			st = 1;
		}
	}
	return st;
}

/* Set when Ctrl-C ended a `wait`: at an interactive shell's `wait` the
 * shell itself owns the terminal and gets the SIGINT (bash returns 130). */
static bool wait_interrupted;

static int wait_job(struct job *j)
{
	while (job_state(j) == JOB_RUNNING) {
		job_reap(true);
		if (sh.interactive && !sh.in_subshell && !sh.traps[SIGINT] && sig_take(SIGINT)) {
			wait_interrupted = true;
			err_printf("\n"); /* after the terminal's "^C" */
			return 128 + SIGINT;
		}
		shell_run_pending_traps();
	}
	int st = job_state(j) == JOB_STOPPED ? 128 + SIGTSTP : job_status(j, sh.opt_pipefail);
	if (job_state(j) == JOB_DONE)
		job_remove(j);
	return st;
}

int bi_wait(int argc, char **argv)
{
	wait_interrupted = false;
	if (argc < 2) {
		struct job *next;
		for (struct job *j = job_first(); j; j = next) {
			next = j->next;
			if (j->background && job_state(j) == JOB_RUNNING) {
				if (wait_job(j) && wait_interrupted)
					return 128 + SIGINT;
				next = job_first();
			}
		}
		job_notify(stderr);
		return 0;
	}
	int st = 0;
	for (int i = 1; i < argc; i++) {
		struct job *j = NULL;
		if (argv[i][0] == '%') {
			j = job_find(argv[i], "wait");
			if (!j) {
				st = 127;
				continue;
			}
		} else {
			char *end;
			long lpid = strtol(argv[i], &end, 10);
			if (*end || lpid <= 0 || lpid > INT_MAX) {
				msg_err("wait: '%s': not a pid or valid job spec", argv[i]);
				st = 2;
				continue;
			}
			pid_t pid = (pid_t)lpid;
			for (struct job *k = job_first(); k && !j; k = k->next)
				for (size_t n = 0; n < k->nprocs; n++)
					if (k->procs[n].pid == pid)
						j = k;
			if (!j) {
				msg_err("wait: pid %s is not a child of this shell", argv[i]);
				st = 127;
				continue;
			}
		}
		st = wait_job(j);
		if (wait_interrupted)
			break;
	}
	return st;
}

int bi_disown(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc || i == 1; i++) {
		struct job *j = job_find(i < argc ? argv[i] : NULL, "disown");
		if (!j)
			st = 1;
		else
			job_remove(j);
		if (argc <= 1)
			break;
	}
	return st;
}
