/* sig.h — signal bookkeeping: what ipcsh inherited, what it set, traps,
 * and what children get (SPEC §7: the inherited dispositions, an empty
 * mask, SIGPIPE default). Handlers only set flags and write a self-pipe. */
#ifndef IPCSH_SIG_H
#define IPCSH_SIG_H

#include <signal.h>
#include <stdbool.h>

/* Record the inherited dispositions, install the SIGCHLD self-pipe. */
void sig_init(void);
/* Prompt-time dispositions of an interactive shell: ignore QUIT, TSTP,
 * TTIN, TTOU; catch INT into a flag. */
/* Job control on (set -m, or interactive): ipcsh itself ignores SIGTSTP,
 * SIGTTIN and SIGTTOU; its jobs get them at their defaults. */
void sig_job_control(void);
void sig_interactive(void);
/* The read end of the self-pipe that gets a byte per caught signal. */
int sig_wake_fd(void);
/* Drain the self-pipe. */
void sig_drain(void);
/* Was sig caught since the last call? Clears the flag. */
bool sig_take(int sig);
/* Is a caught signal (other than SIGCHLD) waiting to be taken? A blocking
 * built-in (read) stops on EINTR then. */
bool sig_pending_any(void);
/* Did a signal other than SIGCHLD come since the last call? (A cheap
 * test before looking at each one: the shell asks between commands.) */
bool sig_take_some(void);
/* Set a trap: cmd NULL resets to the inherited disposition, "" ignores,
 * anything else catches into a pending flag. Returns 0/-1. */
int sig_trap(int sig, const char *cmd);
/* Signals a child must have set to SIG_DFL before exec: those ipcsh
 * ignores or catches now, less what the child should inherit ignored
 * (SIGPIPE is always reset). Costs a system call per signal: compute it
 * once per pipeline. */
void sig_child_default_set(sigset_t *set);
/* In a forked child that stays ipcsh code (relay, builtin, subshell):
 * reset dispositions as an exec'd child would get them, keep the mask
 * as is (the caller unblocks). */
void sig_child_reset(void);
/* Block all signals, saving the old mask in *old (around fork). */
void sig_block_all(sigset_t *old);
void sig_restore(const sigset_t *old);
/* Signal number from a name ("INT", "SIGINT", "2"); -1 if unknown. */
int sig_from_name(const char *name);
/* Name of a signal without "SIG" ("INT"), or NULL. */
const char *sig_name(int sig);

#endif
