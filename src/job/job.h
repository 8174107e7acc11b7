/* job.h — the job table: every process ipcsh starts belongs to a job
 * (one per pipeline, background and/or foreground), reaped on one path.
 *
 * Reaping happens only in the main flow (job_reap, job_wait), never in a
 * signal handler: SIGCHLD only writes a byte to a self-pipe (sig_chld_fd)
 * so a front end can poll it.
 */
#ifndef IPCSH_JOB_H
#define IPCSH_JOB_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <termios.h>

enum proc_state { PROC_RUNNING, PROC_STOPPED, PROC_DONE };
enum proc_role { ROLE_STAGE, ROLE_RELAY };

struct proc {
	pid_t pid;
	int wstatus;           /* raw wait status once done */
	enum proc_state state;
	enum proc_role role;
	int index;             /* node index (0-based: the stages, then process
				  substitutions from nstages on) or edge index
				  (1-based) for relays (src/exec/runner.h) */
	char *label;           /* what jobs -l says of a process substitution or
				  its relay ("substitution 2.<1"), or NULL; freed
				  with the job */
	/* Called once when the process is reaped (e.g. to tell the edge that
	 * fed this stage that its consumer is gone); NULL for none. */
	void (*on_exit)(void *ctx);
	void *ctx;
};

enum job_state { JOB_RUNNING, JOB_STOPPED, JOB_DONE };

struct job {
	int id;                /* job number [N]; 0 until it is shown to the user */
	pid_t pgid;            /* process group (job control), else 0 */
	struct proc *procs;
	size_t nprocs, cap;
	char *text;            /* command text for messages */
	int nstages;
	int *stage_status;     /* exit status per stage; -1 until known */
	bool background;
	bool notified;         /* its latest state change was reported */
	bool reported_running; /* "[1] PID" printed */
	struct termios tmodes; /* terminal modes when it was stopped */
	bool has_tmodes;
	/* Called once when the job is removed from the table (its pipeline
	 * has ended): transports' finish() and freeing what they kept. */
	void (*cleanup)(void *ctx);
	void *cleanup_ctx;
	struct job *next;
};

/* Create a job with nstages stages (statuses -1) and register it. */
struct job *job_new(const char *text, int nstages);
/* Record a started process. */
void job_add_proc(struct job *j, pid_t pid, enum proc_role role, int index);
/* Give the job a number for display (once). */
void job_number(struct job *j);
/* Set a stage's status for a stage that did not start (127, 126, 1). */
void job_set_stage_status(struct job *j, int stage, int status);

enum job_state job_state(const struct job *j);
/* Reap every child that changed state, without blocking (block=false) or
 * until at least one did (block=true). Returns the number reaped. */
int job_reap(bool block);
/* Wait for a foreground job to finish or stop. With job control, the job
 * gets the terminal first (and SIGCONT when cont), and the shell takes it
 * back after, restoring its terminal modes. */
void job_wait_fg(struct job *j, bool cont);
/* Continue a stopped job in the background. */
void job_continue_bg(struct job *j);
/* Status of a finished pipeline: its last stage's, or with pipefail the
 * rightmost non-zero. 128+N for a signal. */
int job_status(const struct job *j, bool pipefail);
/* Status of one proc, as $? would show it. */
int job_proc_status(int wstatus);
/* Report finished and stopped background jobs ("[1]+  Done  text") to f,
 * removing finished ones. */
void job_notify(FILE *f);
/* Remove a job from the table and free it. */
void job_remove(struct job *j);
/* Find a job by spec: %N %% %+ %- %prefix, or a pid. NULL with a message. */
struct job *job_find(const char *spec, const char *who);
/* The first job in the table, for iteration. */
struct job *job_first(void);
/* '+' for the current job, '-' for the previous, ' ' otherwise. */
char job_mark(const struct job *j);
/* Print one line as `jobs` does (long: with pids). */
void job_print(FILE *f, struct job *j, bool longfmt);
/* Count of stopped jobs (for the exit warning). */
int job_count_stopped(void);
/* Send sig to the job (its process group, or each process). */
int job_kill(struct job *j, int sig);
/* In a forked child: forget the parent's jobs (a subshell has none). */
void job_forget_all(void);
/* Make j the current job ('+'). */
void job_make_current(struct job *j);

/* Interactive start: put ipcsh in its own process group in the terminal's
 * foreground, ignore the job-control signals, set sh.jobctl/tty/pgid.
 * wait_fg: wait (stopped by SIGTTIN) until ipcsh is in the foreground, as
 * an interactive shell does; else give up at once. Returns 0, or -1 when
 * there is no usable terminal. */
int job_control_init(bool wait_fg);
/* set -m (on) and set +m: each job in its own process group, the
 * foreground one given the terminal when ipcsh has it. */
void job_control_set(bool on);
/* Has a background job stopped or ended and not been reported (set -b)? */
bool job_has_news(void);
/* Leaving: give the terminal back to the process group that had it when
 * job_control_init() ran (a parent without job control reads it next),
 * as bash does. No-op without job control. */
void job_control_end(void);

/* Terminal: save the shell's modes (called at start and at each prompt). */
void term_save_shell_modes(void);

#endif
