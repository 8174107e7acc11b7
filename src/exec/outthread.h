/* outthread.h — a consumer's relay as a thread of its stage (outthread.c). */
#ifndef IPCSH_OUTTHREAD_H
#define IPCSH_OUTTHREAD_H

#include <stdbool.h>

#include "../transport/transport.h"

/* In the forked stage, before its redirections: keep its stderr for the
 * thread's messages (a relay process has ipcsh's). out_thread_stderr: that
 * fd, or -1. */
void out_thread_keep_stderr(void);
int out_thread_stderr(void);
/* In the forked stage: run e's relay_out into fd (the write end of the
 * stage's stdin pipe) as a thread. false (errno): it did not start. */
bool out_thread_start(struct edge *e, int fd);
/* The stage ends with status: say the reader is gone; returns the status to
 * exit with (1 for a 0 when the relay failed). Nothing without a thread. */
int out_thread_end(int status);
/* In a fork of the stage: the thread is not there. */
void out_thread_forget(void);
/* Right before exec: with a thread running, fork; returns in the child
 * (which execs); the stage process waits and ends as the program did. */
void out_thread_exec(void);

#endif
