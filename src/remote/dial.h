/* dial.h — opening the client's connection: TCP, or ssh running
 * `ipcshd --stdio` on the far side. Private to src/remote/. */
#ifndef IPCSH_REMOTE_DIAL_H
#define IPCSH_REMOTE_DIAL_H

#include <sys/types.h>

#include "proto.h"

/* Connect to t->host:t->port, trying each address within timeout_ms.
 * Returns a non-blocking, close-on-exec socket, or -1 with e set. */
int rdial_tcp(const struct rtarget *t, int timeout_ms, struct errbuf *e) WUR;

/* Start `$IPCSH_SSH [user@]host $IPCSH_REMOTE_CMD` with SIGINT and SIGQUIT
 * ignored, its stdin and stdout on pipes (our ends non-blocking,
 * close-on-exec), its stderr ours. Returns 0 with *rfd, *wfd, *pid, or -1
 * with e set. */
int rdial_ssh(const struct rtarget *t, int *rfd, int *wfd, pid_t *pid, struct errbuf *e) WUR;

#endif
