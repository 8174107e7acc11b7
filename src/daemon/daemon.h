/* daemon.h — ipcshd's configuration and its session server (SPEC §9,
 * docs/PROTOCOL.md). ipcshd.c parses options and accepts connections;
 * session.c runs one session in its own process (fork per connection, so
 * that hostile input can only ever take down its own session); relay.c
 * moves the streams once the command runs. */
#ifndef IPCSHD_DAEMON_H
#define IPCSHD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "remote/keys.h"
#include "remote/proto.h"

/* One --allow or --allow-exact entry, resolved once at start. */
struct allow_rule {
	char *path;             /* canonical path: what runs (never the client's name) */
	char *base;             /* the name's basename: argv[0] of what runs */
	char **args;            /* --allow-exact: the only arguments (NULL-terminated); NULL: any */
};

struct dconf {
	uint8_t host_key[RP_KEY_BYTES];  /* --host-key: the private half */
	const char *authkeys;   /* --authorized-keys, or the daemon user's default */
	struct allow_rule *allow; /* NULL: any command */
	size_t nallow;
	char **accept_env;      /* fnmatch patterns of the names a client may assign */
	unsigned max_sessions;  /* authenticated sessions at once */
	unsigned startups_start, startups_rate, startups_full; /* unauthenticated, forked */
	unsigned per_source;    /* unauthenticated, forked, from one address */
	unsigned hello_timeout; /* seconds from accept to the client hello */
	unsigned handshake_timeout, idle_timeout;   /* seconds */
	unsigned max_args, max_env;
	const char *home;       /* where commands run */
	bool log;               /* one line per session on stderr */
};

/* How the listener hands a connection to its session process: the bytes
 * it already read (the client hello), and its end of the control socket on
 * which the session asks for a session slot once authenticated ('A', then
 * reads 'Y' or 'N'); ctl is -1 under --stdio. */
struct session_start {
	const uint8_t *pre;
	size_t npre;
	int ctl;
};

/* Serve one session on rfd/wfd (the same fd for TCP) in mode RP_MODE_*.
 * peer names the client in the log line; st may be NULL. Returns the
 * session process's exit status (0 when the command ran, whatever its
 * status). */
int session_serve(const struct dconf *cf, int rfd, int wfd, int mode, const char *peer,
		  const struct session_start *st);

/* Bind and listen on spec ("ADDR:PORT", "[ADDR]:PORT", "ADDR"); shown gets
 * the address actually bound. Returns the socket or -1 (reported). */
int listener_open(const char *spec, char *shown, size_t shown_len);
/* Admit connections on lfd and fork a session for each, within the limits
 * of cf, until a signal other than SIGCHLD arrives on sigr; then end the
 * sessions. Returns 0. (listener.c) */
int listener_serve(const struct dconf *cf, int lfd, int sigr);

/* The daemon's signals, the same in the listener and in each session:
 * SIGCHLD, SIGTERM, SIGINT and SIGHUP write their number to a self-pipe
 * (the read end is returned, or -1), SIGPIPE is ignored. A forked session
 * forgets its parent's pipe (daemon_signals_forget) before making its own. */
int daemon_signals_setup(void);
void daemon_signals_forget(int rfd);

/* Load the authorized_keys file (auth.c): refused when group or others
 * may write it or another user than us or root owns it. Malformed lines
 * are skipped, each with "FILE:LINE: reason" in warn. NULL with e set. */
struct authkeys *daemon_authkeys_load(const char *path, struct strbuf *warn, struct errbuf *e);
/* The entry admitting the client key pub connecting from the peer of
 * socket fd (from=), read from the file now, so that a key removed from it
 * is refused from the next connection on; *ak holds it (free with
 * authkeys_free). NULL with e set (the reason, for the log). */
const struct authkey *daemon_authorize(const struct dconf *cf, int fd,
				       const uint8_t pub[KEY_BYTES], struct authkeys **ak,
				       struct errbuf *e);
/* The default authorized_keys path of the user we run as (heap). */
char *daemon_authkeys_default(const char *home);

/* Resolve a command name as execvp would, through the daemon's PATH (never
 * the client's), to a heap path; relative names with a '/' are taken from
 * dir. NULL with errno ENOENT/EACCES when nothing runnable is found. */
char *daemon_resolve(const char *name, const char *dir);

/* State of a session whose command runs, for relay.c. */
struct relay {
	struct rconn *c;
	int rfd, wfd, sigr;
	pid_t pid;
	int wstatus;
	bool reaped, stopped;
	int fd_in;                /* command's stdin (write end), -1 when closed */
	int fd_out[3];            /* [1], [2]: command's stdout/stderr (read ends) */
	bool in_eof;              /* EOF received: close fd_in once drained */
	struct rqueue qin;
	uint32_t recv_credit0, ungranted0, credit[3];
	uint64_t last_recv;
	uint64_t bytes[3];        /* stdin in, stdout out, stderr out */
	unsigned idle_timeout;
};

/* Relay until the command has exited and its output reached EOF (EXIT sent:
 * returns 0), or the connection was lost or broke the protocol (the
 * command's process group was killed: returns -1 with *why set). */
int relay_run(struct relay *r, const char **why);
/* SIGHUP (and SIGCONT) to process group pgid, SIGKILL 2 s later if any
 * member is left; reaps pid if not yet reaped. */
void relay_kill_group(struct relay *r);

#endif
