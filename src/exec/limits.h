/* limits.h — the open file and process limits of a graph (limits.c). */
#ifndef IPCSH_LIMITS_H
#define IPCSH_LIMITS_H

#include <stddef.h>

#include "../util/util.h"

/* For a message about an fd that could not be made with errno err: the
 * limit it ran into (" (past the open file limit: RLIMIT_NOFILE, ulimit
 * -n 20)"), or "" when err is not EMFILE or ENFILE. Written to buf. */
const char *limit_fd_note(int err, char *buf, size_t len);

/* Whether need more processes fit under RLIMIT_NPROC (as the kernel
 * applies it: not to root). 0, or -1 after a message naming what (the
 * pipeline's text), the count and the limit; errno EAGAIN. */
int limit_procs_check(const char *what, size_t need) WUR;

#endif
