/* ipcshd.c — the remote-stage daemon's main: options, key generation,
 * --stdio, and the listening loop that forks one process per session
 * (SPEC §9, man/ipcshd.8). */
#include "daemon.h"
#include "remote/keyfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct opts {
	const char *genkey_host, *listen, *hostkey, *authkeys, *user;
	struct strbuf allow, accept_env;
	char **exact;   /* --allow-exact values (argv strings) */
	size_t nexact;
	bool allow_root, stdio;
};

static const char usage_text[] =
	"usage: ipcshd --genkey-host FILE\n"
	"       ipcshd --host-key FILE [--listen ADDR:PORT] [--authorized-keys FILE]\n"
	"              [--allow CMD[,CMD...]]\n"
	"              [--allow-exact 'CMD [ARG...]']\n"
	"              [--accept-env PATTERN[,PATTERN...]]\n"
	"              [--max-sessions N] [--max-startups START:RATE:FULL]\n"
	"              [--max-startups-per-source N] [--hello-timeout SECS]\n"
	"              [--user NAME | --allow-root]\n"
	"              [--handshake-timeout SECS] [--idle-timeout SECS]\n"
	"              [--max-args N] [--max-env N] [--quiet]\n"
	"       ipcshd --stdio [--allow ...] [--accept-env ...] [--user NAME | --allow-root]\n"
	"Serves remote stages of ipcsh pipelines (see ipcshd(8)).\n";

/* --genkey-host FILE: the daemon's key pair; the .pub line is what clients
 * pin (SPEC §9). */
static int genkey_host(const char *path)
{
	char host[256] = "", fp[KEY_FP_MAX];
	uint8_t pub[KEY_BYTES];
	struct errbuf e;
	if (gethostname(host, sizeof host - 1) < 0 || !*host)
		strcpy(host, "localhost");
	char *comment = xasprintf("ipcshd@%s", host);
	int rc = key_generate(path, comment, pub, &e);
	free(comment);
	if (rc < 0) {
		msg_err("--genkey-host: %s", e.msg);
		return 1;
	}
	key_fingerprint(pub, fp);
	printf("host key in %s and %s.pub\nfingerprint: %s\n", path, path, fp);
	return 0;
}

static void usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

static unsigned parse_uint(const char *opt, const char *s, unsigned min, unsigned max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max || *s == '-') {
		msg_err("%s: bad value '%s' (%u to %u)", opt, s, min, max);
		usage(2);
	}
	return (unsigned)v;
}

enum {
	O_HS = 256, O_IDLE, O_MAXARGS, O_MAXENV, O_ALLOWROOT, O_STDIO, O_QUIET, O_GENKEY_HOST,
	O_ACCEPTENV, O_EXACT, O_STARTUPS, O_PERSOURCE, O_HELLO, O_HOSTKEY, O_AUTHKEYS,
};

/* --max-startups START:RATE:FULL (or START alone: RATE 100, FULL START). */
static void parse_startups(const char *s, struct dconf *cf)
{
	unsigned a, r = 100, f;
	int n = 0;
	if (sscanf(s, "%u:%u:%u%n", &a, &r, &f, &n) == 3 && !s[n]) {
	} else if (sscanf(s, "%u%n", &a, &n) == 1 && !s[n]) {
		f = a;
	} else {
		n = -1;
	}
	if (n < 0 || a < 1 || f < a || f > 4096 || r > 100 || (f == a && r != 100)) {
		msg_err("--max-startups: bad value '%s' (START:RATE:FULL, as 10:30:100)", s);
		usage(2);
	}
	cf->startups_start = a;
	cf->startups_rate = f == a ? 100 : r;
	cf->startups_full = f;
}

/* Append a comma-separated option value to a list. */
static void list_add(struct strbuf *sb, const char *v)
{
	if (sb->len)
		sb_addc(sb, ',');
	sb_adds(sb, v);
}

static void parse_opts(int argc, char **argv, struct opts *o, struct dconf *cf)
{
	static const struct option lo[] = {
		{"genkey-host", required_argument, NULL, O_GENKEY_HOST},
		{"listen", required_argument, NULL, 'l'},
		{"host-key", required_argument, NULL, O_HOSTKEY},
		{"authorized-keys", required_argument, NULL, O_AUTHKEYS},
		{"allow", required_argument, NULL, 'a'},
		{"accept-env", required_argument, NULL, O_ACCEPTENV},
		{"allow-exact", required_argument, NULL, O_EXACT},
		{"max-sessions", required_argument, NULL, 'm'},
		{"max-startups", required_argument, NULL, O_STARTUPS},
		{"max-startups-per-source", required_argument, NULL, O_PERSOURCE},
		{"hello-timeout", required_argument, NULL, O_HELLO},
		{"user", required_argument, NULL, 'u'},
		{"allow-root", no_argument, NULL, O_ALLOWROOT},
		{"stdio", no_argument, NULL, O_STDIO},
		{"handshake-timeout", required_argument, NULL, O_HS},
		{"idle-timeout", required_argument, NULL, O_IDLE},
		{"max-args", required_argument, NULL, O_MAXARGS},
		{"max-env", required_argument, NULL, O_MAXENV},
		{"quiet", no_argument, NULL, O_QUIET},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "hV", lo, NULL)) != -1) {
		switch (c) {
		case O_GENKEY_HOST: o->genkey_host = optarg; break;
		case 'l': o->listen = optarg; break;
		case O_HOSTKEY: o->hostkey = optarg; break;
		case O_AUTHKEYS: o->authkeys = optarg; break;
		case 'a': list_add(&o->allow, optarg); break;
		case O_ACCEPTENV: list_add(&o->accept_env, optarg); break;
		case O_EXACT:
			o->exact = xrealloc(o->exact, (o->nexact + 1) * sizeof *o->exact);
			o->exact[o->nexact++] = optarg;
			break;
		case 'm': cf->max_sessions = parse_uint("--max-sessions", optarg, 1, 4096); break;
		case O_STARTUPS: parse_startups(optarg, cf); break;
		case O_PERSOURCE:
			cf->per_source = parse_uint("--max-startups-per-source", optarg, 1, 4096);
			break;
		case O_HELLO: cf->hello_timeout = parse_uint("--hello-timeout", optarg, 1, 3600); break;
		case 'u': o->user = optarg; break;
		case O_ALLOWROOT: o->allow_root = true; break;
		case O_STDIO: o->stdio = true; break;
		case O_HS: cf->handshake_timeout = parse_uint("--handshake-timeout", optarg, 1, 3600); break;
		case O_IDLE: cf->idle_timeout = parse_uint("--idle-timeout", optarg, 0, 86400 * 7); break;
		case O_MAXARGS: cf->max_args = parse_uint("--max-args", optarg, 1, RP_ARGC_MAX); break;
		case O_MAXENV: cf->max_env = parse_uint("--max-env", optarg, 0, RP_ENVC_MAX); break;
		case O_QUIET: cf->log = false; break;
		case 'h': usage(0); break;
		case 'V': printf("ipcshd %s\n", IPCSH_VERSION); exit(0);
		default: usage(2);
		}
	}
	if (optind < argc) {
		msg_err("unexpected argument '%s'", argv[optind]);
		usage(2);
	}
	if (cf->hello_timeout > cf->handshake_timeout)
		cf->hello_timeout = cf->handshake_timeout;
}

char *daemon_resolve(const char *name, const char *dir)
{
	struct stat st;
	if (strchr(name, '/')) {
		char *p = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", dir, name);
		if (stat(p, &st) == 0 && !S_ISREG(st.st_mode))
			errno = EACCES;
		else if (stat(p, &st) == 0 && access(p, X_OK) == 0)
			return p;
		int e = errno;
		free(p);
		errno = e;
		return NULL;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int err = ENOENT;
	for (const char *d = path; *d;) {
		size_t n = strcspn(d, ":");
		if (n && d[0] == '/') { /* relative entries would depend on the cwd */
			char *p = xasprintf("%.*s/%s", (int)n, d, name);
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(p, X_OK) == 0)
					return p;
				err = EACCES;
			}
			free(p);
		}
		d += n + (d[n] == ':');
	}
	errno = err;
	return NULL;
}

static int drop_privileges(const char *user, struct dconf *cf);

/* Add a rule for the command name (resolved as a client's would be) and
 * its pinned arguments (NULL: any). Returns 0, or -1 (reported). */
static int allow_add(struct dconf *cf, const char *opt, const char *name, char **args)
{
	char *path = daemon_resolve(name, cf->home);
	char *real = path ? realpath(path, NULL) : NULL;
	if (!real) {
		msg_err("%s: %s: command not found", opt, name);
		free(path);
		return -1;
	}
	cf->allow = xrealloc(cf->allow, (cf->nallow + 1) * sizeof *cf->allow);
	cf->allow[cf->nallow++] = (struct allow_rule){.path = real,
						     .base = xstrdup(strrchr(path, '/') + 1),
						     .args = args};
	free(path);
	return 0;
}

/* Split an --allow-exact value on blanks into a NULL-terminated heap vector. */
static char **split_blanks(const char *s)
{
	size_t n = 0;
	char **v = xcalloc(strlen(s) / 2 + 2, sizeof *v);
	for (const char *p = s; *(p += strspn(p, " \t"));) {
		size_t len = strcspn(p, " \t");
		v[n++] = xstrndup(p, len);
		p += len;
	}
	return v;
}

static size_t strv_len(char **v)
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Resolve --allow and --allow-exact once, at start. */
static int resolve_allow(struct opts *o, struct dconf *cf)
{
	char *list = o->allow.buf ? o->allow.buf : (char[]){""};
	for (char *save = NULL, *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (allow_add(cf, "--allow", w, NULL) < 0)
			return -1;
	for (size_t i = 0; i < o->nexact; i++) {
		char **v = split_blanks(o->exact[i]);
		if (!v[0]) {
			msg_err("--allow-exact: empty command");
			strv_free(v);
			return -1;
		}
		/* The rule keeps the arguments; the name is resolved now. */
		char **args = xcalloc(strv_len(v), sizeof *args);
		for (size_t k = 1; v[k]; k++)
			args[k - 1] = v[k];
		int rc = allow_add(cf, "--allow-exact", v[0], args);
		free(v[0]);
		free(v);
		if (rc < 0) {
			strv_free(args);
			return -1;
		}
	}
	if (cf->nallow == 0) {
		msg_err("--allow: empty list");
		return -1;
	}
	return 0;
}

/* The names a client may assign (sshd's AcceptEnv): LANG and LC_* always,
 * and the --accept-env patterns. A pattern is a shell name with the glob
 * characters * ? [ ] (fnmatch). */
static int resolve_accept_env(char *list, struct dconf *cf)
{
	size_t n = 3;
	for (char *p = list; *p; p++)
		n += *p == ',';
	cf->accept_env = xcalloc(n + 1, sizeof *cf->accept_env);
	size_t k = 0;
	cf->accept_env[k++] = xstrdup("LANG");
	cf->accept_env[k++] = xstrdup("LC_*");
	for (char *save = NULL, *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_*?[]!") !=
		    strlen(w)) {
			msg_err("--accept-env: '%s' is not a name pattern", w);
			return -1;
		}
		cf->accept_env[k++] = xstrdup(w);
	}
	return 0;
}

/* What restricts a session, in every mode (--stdio too): refuse root
 * without --user or --allow-root, switch user, resolve --allow (after the
 * switch: as the user that runs the commands) and --accept-env. Returns 0,
 * or -1 (reported). */
static int apply_restrictions(struct opts *o, struct dconf *cf)
{
	if (geteuid() == 0 && !o->user && !o->allow_root) {
		msg_err("refusing to run commands as root: use --user NAME or --allow-root");
		return -1;
	}
	if (o->user && drop_privileges(o->user, cf) < 0)
		return -1;
	if ((o->allow.len || o->nexact) && resolve_allow(o, cf) < 0)
		return -1;
	return resolve_accept_env(o->accept_env.buf ? o->accept_env.buf : (char[]){""}, cf);
}

static int drop_privileges(const char *user, struct dconf *cf)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		msg_err("--user %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid != geteuid() || pw->pw_gid != getegid()) {
		if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
		    setuid(pw->pw_uid) < 0) {
			msg_errno("--user %s: cannot switch to that user", user);
			return -1;
		}
		if (pw->pw_uid != 0 && setuid(0) == 0) {
			msg_err("--user %s: could regain root: refusing to run", user);
			return -1;
		}
	}
	setenv("HOME", pw->pw_dir, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
	free((char *)cf->home);
	cf->home = xstrdup(pw->pw_dir);
	return 0;
}

/* The home directory of the user we run as; a heap string. */
static char *own_home(void)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_dir && *pw->pw_dir)
		return xstrdup(pw->pw_dir);
	const char *h = getenv("HOME");
	return xstrdup(h && *h == '/' ? h : "/");
}

/* Every later fd must be >= 3 so that a command's dup2 never meets it;
 * and whatever our parent left open above 2 must not reach the commands:
 * mark it close-on-exec (we do not close it, in case a sanitizer or libc
 * owns one). Without close_range (Linux < 5.11), walk /proc/self/fd. */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
			_exit(1);
	if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		msg_errno("cannot mark inherited descriptors close-on-exec");
		_exit(1);
	}
	for (struct dirent *de; (de = readdir(d));) {
		int fd = atoi(de->d_name);
		if (fd > 2 && fd != dirfd(d))
			fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
	}
	closedir(d);
}

/* The authorized_keys file: --authorized-keys, else the daemon user's
 * (after --user). Read once now to report its malformed lines (each by
 * file and line; the rest is loaded), and again for every session. A
 * missing file is not fatal (every client is refused until it exists). */
static int authkeys_check(struct opts *o, struct dconf *cf)
{
	cf->authkeys = o->authkeys ? xstrdup(o->authkeys) : daemon_authkeys_default(cf->home);
	struct strbuf warn = {0};
	struct errbuf e = {{0}};
	struct authkeys *ak = daemon_authkeys_load(cf->authkeys, &warn, &e);
	if (warn.len)
		fprintf(stderr, "%s", warn.buf);
	sb_free(&warn);
	struct stat st;
	if (!ak && (stat(cf->authkeys, &st) == 0 || errno != ENOENT)) {
		msg_err("--authorized-keys: %s", e.msg);
		return -1;
	}
	if (!ak || ak->n == 0)
		msg_warn("%s: %s: every client is refused until a key is added", cf->authkeys,
			 ak ? "no key in it yet" : "no such file yet");
	authkeys_free(ak);
	return 0;
}

static int run_listen(struct opts *o, struct dconf *cf)
{
	if (geteuid() == 0 && !o->user && !o->allow_root) {
		msg_err("refusing to run commands as root: use --user NAME or --allow-root");
		return 1;
	}
	struct errbuf e = {{0}};
	uint8_t pub[KEY_BYTES];
	if (!o->hostkey) {
		msg_err("no host key: use --host-key FILE (make one with --genkey-host FILE)");
		return 1;
	}
	if (key_load_private(o->hostkey, cf->host_key, pub, &e) < 0) {
		msg_err("--host-key: %s", e.msg);
		return 1;
	}
	char shown[NI_MAXHOST + NI_MAXSERV + 4];
	int lfd = listener_open(o->listen ? o->listen : "127.0.0.1:" RP_PORT_DEFAULT, shown,
				sizeof shown);
	if (lfd < 0)
		return 1;
	if (apply_restrictions(o, cf) < 0 || authkeys_check(o, cf) < 0)
		return 1;
	/* Commands run as our user: they must not read the key out of us
	 * (ptrace, /proc/PID/mem). execve makes them dumpable again. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) { /* best effort */ }
	int sigr = daemon_signals_setup();
	if (sigr < 0) {
		msg_errno("cannot set up signals");
		return 1;
	}
	/* Last, so that a test (or a supervisor) reading it knows we serve. */
	msg_err("listening on %s", shown);
	return listener_serve(cf, lfd, sigr);
}

/* What main allocated for the whole run: freed on the way out so that a
 * sanitized daemon stopped by SIGTERM reports no leak. */
static void config_free(struct opts *o, struct dconf *cf)
{
	for (size_t i = 0; i < cf->nallow; i++) {
		free(cf->allow[i].path);
		free(cf->allow[i].base);
		strv_free(cf->allow[i].args);
	}
	free(cf->allow);
	free(o->exact);
	for (size_t i = 0; cf->accept_env && cf->accept_env[i]; i++)
		free(cf->accept_env[i]);
	free(cf->accept_env);
	sb_free(&o->accept_env);
	free((char *)cf->home);
	free((char *)cf->authkeys);
	sodium_memzero(cf->host_key, sizeof cf->host_key);
	sb_free(&o->allow);
}

int main(int argc, char **argv)
{
	progname = "ipcshd";
	ensure_std_fds();
	struct opts o = {0};
	struct dconf cf = {.max_sessions = 64, .startups_start = 10, .startups_rate = 30,
			   .startups_full = 100, .per_source = 10, .hello_timeout = 3,
			   .handshake_timeout = 10, .idle_timeout = 300,
			   .max_args = RP_ARGC_MAX, .max_env = RP_ENVC_MAX, .log = true};
	parse_opts(argc, argv, &o, &cf);
	if (sodium_init() < 0) {
		msg_err("cannot initialise libsodium");
		return 1;
	}
	if (o.genkey_host)
		return genkey_host(o.genkey_host);
	cf.home = own_home();
	if (o.stdio) {
		/* Under ssh: our stderr is the user's; log nothing per session.
		 * The restrictions apply as over TCP: a forced command
		 * `ipcshd --stdio --allow cat` in authorized_keys runs only cat. */
		cf.log = false;
		cf.idle_timeout = 0;
		const char *peer = getenv("SSH_CLIENT");
		int rc = apply_restrictions(&o, &cf) < 0
				 ? 1
				 : session_serve(&cf, 0, 1, RP_MODE_CLEAR, peer ? peer : "stdio", NULL);
		config_free(&o, &cf);
		return rc;
	}
	int rc = run_listen(&o, &cf);
	config_free(&o, &cf);
	return rc;
}
