/* job.c — job table, reaping, foreground and background. */
#include "job.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../exec/shell.h"
#include "sig.h"
#include "../util/util.h"

static struct job *jobs;
static struct job *cur_job, *prev_job;
static struct termios shell_modes;
static bool have_shell_modes;

struct job *job_first(void)
{
	return jobs;
}

struct job *job_new(const char *text, int nstages)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->text = xstrdup(text ? text : "");
	j->nstages = nstages;
	j->stage_status = xmalloc((size_t)(nstages > 0 ? nstages : 1) * sizeof(int));
	for (int i = 0; i < nstages; i++)
		j->stage_status[i] = -1;
	/* Append, so `jobs` lists in start order. */
	struct job **pp = &jobs;
	while (*pp)
		pp = &(*pp)->next;
	*pp = j;
	return j;
}

void job_number(struct job *j)
{
	if (j->id)
		return;
	int max = 0;
	for (struct job *k = jobs; k; k = k->next)
		if (k->id > max)
			max = k->id;
	j->id = max + 1;
}

void job_make_current(struct job *j)
{
	if (cur_job == j)
		return;
	prev_job = cur_job;
	cur_job = j;
}

void job_add_proc(struct job *j, pid_t pid, enum proc_role role, int index)
{
	if (j->nprocs == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 8;
		j->procs = xrealloc(j->procs, j->cap * sizeof *j->procs);
	}
	j->procs[j->nprocs++] = (struct proc){.pid = pid, .role = role, .index = index};
}

void job_set_stage_status(struct job *j, int stage, int status)
{
	if (stage >= 0 && stage < j->nstages)
		j->stage_status[stage] = status;
}

enum job_state job_state(const struct job *j)
{
	bool stopped = false;
	for (size_t i = 0; i < j->nprocs; i++) {
		if (j->procs[i].state == PROC_RUNNING)
			return JOB_RUNNING;
		if (j->procs[i].state == PROC_STOPPED)
			stopped = true;
	}
	return stopped ? JOB_STOPPED : JOB_DONE;
}

int job_proc_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	if (WIFSTOPPED(wstatus))
		return 128 + WSTOPSIG(wstatus);
	return 1;
}

/* The terminal stops a background job that reads or writes it by sending
 * SIGTTIN/SIGTTOU to the whole process group, but only to the processes
 * that are in it at that moment: a stage or relay that joins the group a
 * moment later keeps running and the job never reads as stopped. Send the
 * signal to the group again so the job stops whole, as its first process
 * did (a stop signal still pending is dropped by the SIGCONT of fg/bg). */
static void stop_whole_group(const struct job *j, int sig)
{
	if (j->pgid <= 0 || (sig != SIGTTIN && sig != SIGTTOU))
		return;
	for (size_t i = 0; i < j->nprocs; i++)
		if (j->procs[i].state == PROC_RUNNING) {
			kill(-j->pgid, sig);
			return;
		}
}

static void record(pid_t pid, int st)
{
	for (struct job *j = jobs; j; j = j->next) {
		for (size_t i = 0; i < j->nprocs; i++) {
			struct proc *p = &j->procs[i];
			if (p->pid != pid)
				continue;
			enum job_state before = job_state(j);
			if (WIFSTOPPED(st)) {
				p->state = PROC_STOPPED;
				stop_whole_group(j, WSTOPSIG(st));
			} else if (WIFCONTINUED(st)) {
				p->state = PROC_RUNNING;
			} else {
				p->state = PROC_DONE;
				p->wstatus = st;
				if (p->role == ROLE_STAGE)
					job_set_stage_status(j, p->index, job_proc_status(st));
				if (p->on_exit) {
					void (*fn)(void *) = p->on_exit;
					p->on_exit = NULL;
					fn(p->ctx);
				}
			}
			if (job_state(j) != before)
				j->notified = false;
			return;
		}
	}
	/* Not ours (a reparented grandchild, or a helper): nothing to record. */
}

int job_reap(bool block)
{
	int n = 0;
	for (;;) {
		int st;
		int flags = WUNTRACED | WCONTINUED | (block && n == 0 ? 0 : WNOHANG);
		pid_t pid = waitpid(-1, &st, flags);
		if (pid < 0) {
			if (errno == EINTR) {
				if (block && n == 0)
					return 0; /* let the caller look at pending traps */
				continue;
			}
			return n;
		}
		if (pid == 0)
			return n;
		record(pid, st);
		n++;
	}
}

void term_save_shell_modes(void)
{
	if (sh.tty >= 0 && tcgetattr(sh.tty, &shell_modes) == 0)
		have_shell_modes = true;
}

static void term_take_back(struct job *j)
{
	if (!sh.jobctl || sh.tty < 0)
		return;
	if (tcsetpgrp(sh.tty, sh.pgid) < 0) { /* lost the terminal: nothing to do */ }
	if (j && job_state(j) == JOB_STOPPED && tcgetattr(sh.tty, &j->tmodes) == 0)
		j->has_tmodes = true;
	if (have_shell_modes)
		tcsetattr(sh.tty, TCSADRAIN, &shell_modes);
}

void job_wait_fg(struct job *j, bool cont)
{
	if (sh.jobctl && sh.tty >= 0 && j->pgid) {
		if (tcsetpgrp(sh.tty, j->pgid) < 0) { /* e.g. no terminal: go on */ }
		if (cont && j->has_tmodes)
			tcsetattr(sh.tty, TCSADRAIN, &j->tmodes);
	}
	if (cont) {
		for (size_t i = 0; i < j->nprocs; i++)
			if (j->procs[i].state == PROC_STOPPED)
				j->procs[i].state = PROC_RUNNING;
		job_kill(j, SIGCONT);
	}
	j->background = false;
	while (job_state(j) == JOB_RUNNING) {
		if (job_reap(true) == 0 && errno == ECHILD) {
			/* Nothing left to wait for: the processes are gone. */
			for (size_t i = 0; i < j->nprocs; i++)
				j->procs[i].state = PROC_DONE;
		}
	}
	term_take_back(j);
	if (job_state(j) == JOB_STOPPED) {
		job_number(j);
		job_make_current(j);
		j->background = true;
		j->notified = true;
		fprintf(stderr, "\n");
		job_print(stderr, j, false);
	}
}

void job_continue_bg(struct job *j)
{
	for (size_t i = 0; i < j->nprocs; i++)
		if (j->procs[i].state == PROC_STOPPED)
			j->procs[i].state = PROC_RUNNING;
	j->background = true;
	j->notified = true;
	job_kill(j, SIGCONT);
}

int job_status(const struct job *j, bool pipefail)
{
	int st = 0;
	if (pipefail) {
		for (int i = j->nstages - 1; i >= 0; i--)
			if (j->stage_status[i] > 0) {
				st = j->stage_status[i];
				break;
			}
		return st;
	}
	return j->nstages > 0 && j->stage_status[j->nstages - 1] >= 0 ? j->stage_status[j->nstages - 1] : 0;
}

int job_kill(struct job *j, int sig)
{
	if (j->pgid > 0)
		return kill(-j->pgid, sig);
	int r = 0;
	for (size_t i = 0; i < j->nprocs; i++)
		if (j->procs[i].state != PROC_DONE && kill(j->procs[i].pid, sig) < 0)
			r = -1;
	return r;
}

char job_mark(const struct job *j)
{
	return j == cur_job ? '+' : j == prev_job ? '-' : ' ';
}

static const char *state_word(struct job *j, char *buf, size_t len)
{
	switch (job_state(j)) {
	case JOB_RUNNING: return "Running";
	case JOB_STOPPED: return "Stopped";
	default: break;
	}
	int st = job_status(j, sh.opt_pipefail);
	if (st == 0)
		return "Done";
	/* The last stage's own wait status tells a signal from an exit code. */
	for (size_t i = j->nprocs; i-- > 0;) {
		struct proc *p = &j->procs[i];
		if (p->role == ROLE_STAGE && p->index == j->nstages - 1 && WIFSIGNALED(p->wstatus)) {
			snprintf(buf, len, "%s", strsignal(WTERMSIG(p->wstatus)));
			return buf;
		}
	}
	snprintf(buf, len, "Exit %d", st);
	return buf;
}

/* The proc of stage idx, or NULL (a stage that did not start). */
static const struct proc *stage_proc(const struct job *j, int idx)
{
	for (size_t i = 0; i < j->nprocs; i++)
		if (j->procs[i].role == ROLE_STAGE && j->procs[i].index == idx)
			return &j->procs[i];
	return NULL;
}

/* jobs -l: the first stage's pid on the job's line, then one line per
 * other process (as bash lists every process of a pipeline), stages in
 * order, then the relays with the edge they carry. */
static void print_long(FILE *f, struct job *j, const char *state)
{
	const struct proc *first = stage_proc(j, 0);
	if (!first)
		first = &j->procs[0];
	int w = fprintf(f, "[%d]%c ", j->id, job_mark(j));
	fprintf(f, "%5ld %-24s%s\n", (long)first->pid, state, j->text);
	for (int s = 1; s < j->nstages; s++) {
		const struct proc *p = stage_proc(j, s);
		if (p)
			fprintf(f, "%*s%5ld\n", w, "", (long)p->pid);
	}
	for (size_t i = 0; i < j->nprocs; i++)
		if (j->procs[i].role == ROLE_STAGE && j->procs[i].index >= j->nstages)
			fprintf(f, "%*s%5ld %-24s(%s)\n", w, "", (long)j->procs[i].pid, "",
				j->procs[i].label ? j->procs[i].label : "substitution");
	for (size_t i = 0; i < j->nprocs; i++) {
		if (j->procs[i].role != ROLE_RELAY)
			continue;
		if (j->procs[i].label)
			fprintf(f, "%*s%5ld %-24s(%s)\n", w, "", (long)j->procs[i].pid, "",
				j->procs[i].label);
		else
			fprintf(f, "%*s%5ld %-24s(relay of edge %d->%d)\n", w, "", (long)j->procs[i].pid,
				"", j->procs[i].index, j->procs[i].index + 1);
	}
}

void job_print(FILE *f, struct job *j, bool longfmt)
{
	char buf[64];
	job_number(j);
	if (longfmt && j->nprocs)
		print_long(f, j, state_word(j, buf, sizeof buf));
	else
		fprintf(f, "[%d]%c  %-24s%s\n", j->id, job_mark(j), state_word(j, buf, sizeof buf), j->text);
	fflush(f);
}

static void pick_current(void)
{
	if (cur_job && job_state(cur_job) != JOB_DONE)
		return;
	cur_job = prev_job;
	prev_job = NULL;
	for (struct job *k = jobs; k; k = k->next)
		if (k != cur_job && k->background && job_state(k) != JOB_DONE)
			prev_job = k;
	if (!cur_job) {
		cur_job = prev_job;
		prev_job = NULL;
	}
}

void job_remove(struct job *j)
{
	struct job **pp = &jobs;
	while (*pp && *pp != j)
		pp = &(*pp)->next;
	if (*pp)
		*pp = j->next;
	if (cur_job == j)
		cur_job = NULL;
	if (prev_job == j)
		prev_job = NULL;
	pick_current();
	if (j->cleanup)
		j->cleanup(j->cleanup_ctx);
	for (size_t i = 0; i < j->nprocs; i++)
		free(j->procs[i].label);
	free(j->procs);
	free(j->stage_status);
	free(j->text);
	free(j);
}

void job_notify(FILE *f)
{
	job_reap(false);
	for (struct job *j = jobs; j; j = j->next) {
		if (!j->background || j->notified)
			continue;
		/* A job continued by `kill -CONT` or `kill %N` is not news (bash
		 * says nothing either); its end or stop will be. */
		if (job_state(j) == JOB_RUNNING)
			j->notified = true;
		else if (sh.interactive) {
			job_print(f, j, false);
			j->notified = true;
		}
	}
	/* Removed only after all are printed: a removal moves the +/- marks. */
	struct job *next;
	for (struct job *j = jobs; j; j = next) {
		next = j->next;
		if (j->background && job_state(j) == JOB_DONE && j->notified)
			job_remove(j);
	}
	/* Scripts: keep a finished job for `wait` until the next call, report nothing. */
	for (struct job *j = jobs; j; j = j->next)
		if (j->background && job_state(j) == JOB_DONE)
			j->notified = true;
}

struct job *job_find(const char *spec, const char *who)
{
	struct job *found = NULL;
	if (!spec || !strcmp(spec, "%%") || !strcmp(spec, "%+") || !strcmp(spec, "%")) {
		pick_current();
		found = cur_job;
		if (!found)
			msg_err("%s: current: no such job", who);
		return found;
	}
	if (!strcmp(spec, "%-")) {
		if (!prev_job)
			msg_err("%s: %s: no such job", who, spec);
		return prev_job;
	}
	if (spec[0] == '%' && isdigit((unsigned char)spec[1])) {
		char *end;
		long id = strtol(spec + 1, &end, 10);
		if (*end)
			id = -1; /* "%12x": no such job */
		for (struct job *j = jobs; j; j = j->next)
			if (j->id == id)
				return j;
	} else if (spec[0] == '%') {
		size_t l = strlen(spec + 1);
		for (struct job *j = jobs; j; j = j->next) {
			if (strncmp(j->text, spec + 1, l) != 0)
				continue;
			if (found) {
				msg_err("%s: %s: ambiguous job spec", who, spec);
				return NULL;
			}
			found = j;
		}
		if (found)
			return found;
	} else {
		char *end;
		long pid = strtol(spec, &end, 10);
		if (*end || pid <= 0)
			pid = -1;
		for (struct job *j = jobs; j; j = j->next)
			for (size_t i = 0; i < j->nprocs; i++)
				if (j->procs[i].pid == pid)
					return j;
	}
	msg_err("%s: %s: no such job", who, spec);
	return NULL;
}

int job_count_stopped(void)
{
	int n = 0;
	for (struct job *j = jobs; j; j = j->next)
		n += job_state(j) == JOB_STOPPED;
	return n;
}

void job_forget_all(void)
{
	while (jobs)
		job_remove(jobs);
	cur_job = prev_job = NULL;
}

static pid_t orig_pgrp; /* the terminal's foreground group before us */

void job_control_end(void)
{
	if (!sh.jobctl || sh.tty < 0 || orig_pgrp <= 0 || orig_pgrp == sh.pgid)
		return;
	if (have_shell_modes)
		tcsetattr(sh.tty, TCSADRAIN, &shell_modes);
	if (setpgid(0, orig_pgrp) < 0) { /* that group is gone: keep ours */ }
	if (tcsetpgrp(sh.tty, orig_pgrp) < 0) { /* idem */ }
}

int job_control_init(bool wait_fg)
{
	int fd = fcntl(2, F_DUPFD_CLOEXEC, 10);
	if (fd < 0 || !isatty(fd)) {
		if (fd >= 0)
			close(fd);
		fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -1;
		fd = fd_move_high(fd);
		if (fd < 0)
			return -1;
	}
	/* Wait until we are in the foreground, as the glibc manual's shell does;
	 * SIGTTIN at its default for that (an inherited SIG_IGN would make this
	 * spin), and give up on job control if the terminal never comes. */
	pid_t pg;
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	sigaction(SIGTTIN, &dfl, &old);
	for (int tries = 0; tcgetpgrp(fd) != (pg = getpgrp()); tries++) {
		if (tries == 100 || tcgetpgrp(fd) < 0 || !wait_fg) {
			sigaction(SIGTTIN, &old, NULL);
			close(fd);
			return -1;
		}
		kill(-pg, SIGTTIN);
	}
	sigaction(SIGTTIN, &old, NULL);
	if (wait_fg)
		sig_interactive();
	else
		sig_job_control();
	pid_t me = getpid();
	orig_pgrp = pg;
	if (pg != me && setpgid(0, me) < 0) {
		close(fd);
		return -1;
	}
	if (tcsetpgrp(fd, me) < 0) {
		close(fd);
		return -1;
	}
	sh.tty = fd;
	sh.pgid = me;
	sh.jobctl = true;
	term_save_shell_modes();
	return 0;
}

void job_control_set(bool on)
{
	if (!on || sh.jobctl) {
		sh.jobctl = on;
		return;
	}
	/* A shell that had the terminal keeps it; a script takes it only if
	 * it is in the terminal's foreground already (it never stops to wait
	 * for it). Without a terminal, jobs still get their own process
	 * groups (`kill -- -PID` reaches a whole job), as in bash. */
	if (sh.tty < 0 && job_control_init(false) == 0)
		return;
	if (sh.tty < 0) {
		sig_job_control();
		sh.pgid = getpgrp();
	}
	sh.jobctl = true;
}

bool job_has_news(void)
{
	job_reap(false);
	for (struct job *j = jobs; j; j = j->next)
		if (j->background && !j->notified && job_state(j) != JOB_RUNNING)
			return true;
	return false;
}
