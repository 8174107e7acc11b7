/* remote.h — the client side of a remote stage (`@HOST[:PORT] cmd`,
 * `@ssh:[USER@]HOST cmd`), SPEC §9.
 *
 * The executor forks an internal stage (a child of ipcsh in the job's
 * process group, stdin/stdout/stderr already wired to the edges and
 * redirections) and calls remote_stage_run() in it; the child _exit()s
 * with the returned status.
 */
#ifndef IPCSH_REMOTE_H
#define IPCSH_REMOTE_H

#include <stdbool.h>

struct remote_stage {
	const char *target;        /* raw text after '@', expanded: "host", "host:7433",
				      "[::1]:7433", "ssh:user@host" */
	char *const *argv;         /* expanded argv, NULL-terminated, argv[0] the command */
	char *const *assigns;      /* "NAME=value" from the stage, NULL-terminated (never LD_*) */
	const char *keyfile;       /* --key, or NULL: $IPCSH_KEY, then $XDG_CONFIG_HOME/ipcsh/id */
	bool accept_new_host;      /* --accept-new-host: pin an unknown host's key */
	bool trace;                /* -x: print the cipher and the host key chosen */
};

/* Run the stage: stream fd 0 to the remote command, its stdout/stderr to
 * fds 1/2, forward SIGINT/SIGTERM/SIGHUP/SIGTSTP/SIGCONT. Returns the exit
 * status the stage should have: the remote command's, 128+N for a signal,
 * or 255 after printing "ipcsh: @host: ..." for a connection, key, host
 * key or protocol failure. Called in a forked child; may install signal handlers. */
int remote_stage_run(const struct remote_stage *rs);

#endif
