/* main.c — ipcsh's entry point: options (SPEC §2), then one of: the
 * interactive loop, a -c string, a pipeline file, or a script on stdin.
 * It only wires; the work is in src/exec, src/job and src/repl. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "builtin/builtin.h"
#include "exec/plan.h"
#include "exec/shell.h"
#include "job/job.h"
#include "parse/parse.h"
#include "remote/keyfile.h"
#include "repl/repl.h"
#include "util/util.h"

extern char **environ;

static const char usage_text[] =
	"usage: ipcsh [OPTIONS]                       interactive, or a script on stdin\n"
	"       ipcsh [OPTIONS] -c TEXT [NAME [ARG...]]\n"
	"       ipcsh [OPTIONS] FILE [ARG...]\n"
	"       ipcsh --bench [--transport EDGE]... [--bytes N] [--block N] [--reps N]\n"
	"                     [--format table|csv|json] [--chart FILE.svg]\n"
	"options:\n"
	"  -c TEXT          run TEXT ($0 is NAME, $1... are ARGs)\n"
	"  -i               interactive even without a terminal\n"
	"  -l, --login      a login shell: read /etc/profile and ~/.profile first\n"
	"  --norc           interactive, but without $ENV or ~/.config/ipcsh/rc\n"
	"  -t EDGE          what a bare | means, e.g. -t shm or -t mq:lines (default pipe)\n"
	"  -e               stop at the first list item that fails\n"
	"  -o pipefail      a pipeline's status is its rightmost failing stage's\n"
	"  -o NAME          any option of set by name (nounset, allexport...); set's letters\n"
	"                   (a b C f m u v) too; +o NAME and a leading + turn one off\n"
	"  -s               read commands from stdin; operands are $1...\n"
	"  -x               print each pipeline with its wiring before running it\n"
	"  -n               parse only: report syntax errors, run nothing\n"
	"  --plan[=FORMAT]  print the plan (stages, substitutions, edges, transports) and run\n"
	"                   nothing; FORMAT text, json or dot (Graphviz)\n"
	"  --stats[=json]   after each pipeline, print per-edge statistics to stderr\n"
	"  --bench [OPTS]   compare the transports on one workload\n"
	"  --key FILE       private key for remote stages (default ~/.config/ipcsh/id)\n"
	"  --accept-new-host  pin the key of a host not yet in known_hosts\n"
	"  --keygen [OPTS]  make the user's key pair, or list fingerprints: see ipcsh(1)\n"
	"  -h, --help       this help;  -V, --version  the version\n"
	"edges: a | b, a |[pipe:size=1M] b, |[fifo:path=P] |[sock:buf=N] |[mq:msgsize=N,maxmsg=N,lines] |[shm:size=N,spin]\n"
	"       |[msg:msgsize=N,maxbytes=N,lines] |[sysvshm:size=N] |[mmap:path=P,size=N]\n"
	"       |[dgram:msgsize=N,buf=N,lines] |[seqpacket:msgsize=N,buf=N,lines] |[tcp:buf=N,nodelay]\n";

/* "ipcsh: BEFORE ARG AFTER" and where the usage is, exit 2: one line
 * about the mistake rather than a screen of usage that hides it. */
static _Noreturn void usage_error(const char *before, const char *arg, const char *after)
{
	fprintf(stderr, "ipcsh: %s%s%s (ipcsh --help lists the options)\n", before, arg, after);
	exit(2);
}

static char *read_fd_all(int fd, size_t *len)
{
	struct strbuf sb = {0};
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0) {
				sb_free(&sb);
				return NULL;
			}
			break;
		}
		sb_add(&sb, buf, (size_t)n);
	}
	*len = sb.len;
	return sb_detach(&sb);
}

struct opts {
	const char *cmd;       /* -c */
	bool force_i;
	bool read_stdin;       /* -s: commands from stdin, operands are parameters */
	bool plan_only;
	bool login;            /* -l, --login, or argv[0] starting with '-' */
	bool norc;
};

static int set_edge(const char *text)
{
	struct errbuf err;
	if (edge_spec_parse(text, strlen(text), &sh.dflt_edge, &err) < 0) {
		fprintf(stderr, "ipcsh: -t %s: %s\n", text, err.msg);
		return -1;
	}
	return 0;
}

/* A "+..." word: set's letters turned off, "+o NAME" (the next word). */
static void set_letters(const char *a, int argc, char **argv, int *i)
{
	for (const char *p = a + 1; *p; p++) {
		if (*p == 'o') {
			const char *name = p[1] ? p + 1 : *i + 1 < argc ? argv[++*i] : NULL;
			if (!name || shell_option_set('+', 0, name) < 0)
				usage_error("+o: unknown option name '", name ? name : "", "'");
			return;
		}
		if (shell_option_set('+', *p, NULL) < 0)
			usage_error("unknown option '+", (char[]){*p, 0}, "'");
	}
}

/* A "--name" option (argv[*i]); may take the next word. */
static void long_option(const char *a, int argc, char **argv, int *i, struct opts *o)
{
	if (!strcmp(a, "--help")) {
		fputs(usage_text, stdout);
		exit(0);
	} else if (!strcmp(a, "--version")) {
		printf("ipcsh %s\n", IPCSH_VERSION);
		exit(0);
	} else if (!strcmp(a, "--login")) {
		o->login = true;
	} else if (!strcmp(a, "--norc")) {
		o->norc = true;
	} else if (!strcmp(a, "--plan")) {
		sh.plan = PLAN_TEXT;
	} else if (!strcmp(a, "--plan=json")) {
		sh.plan = PLAN_JSON;
	} else if (!strcmp(a, "--plan=text")) {
		sh.plan = PLAN_TEXT;
	} else if (!strcmp(a, "--plan=dot")) {
		sh.plan = PLAN_DOT;
	} else if (!strcmp(a, "--stats") || !strcmp(a, "--stats=text")) {
		sh.stats = STATS_TEXT;
	} else if (!strcmp(a, "--stats=json")) {
		sh.stats = STATS_JSON;
	} else if (!strcmp(a, "--key")) {
		if (++*i >= argc)
			usage_error("", a, ": needs a file");
		sh.keyfile = argv[*i];
	} else if (!strncmp(a, "--key=", 6)) {
		sh.keyfile = a + 6;
	} else if (!strcmp(a, "--accept-new-host")) {
		sh.accept_new_host = true;
	} else if (!strcmp(a, "--keygen")) {
		exit(keygen_main(argc - *i - 1, argv + *i + 1));
	} else if (!strcmp(a, "--bench")) {
		exit(bench_main(argc - *i - 1, argv + *i + 1));
	} else {
		usage_error("unknown option '", a, "'");
	}
}

/* Parse options; returns the index of the first operand. */
static int parse_options(int argc, char **argv, struct opts *o)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i + 1;
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			return i;
		if (a[0] == '+') {
			set_letters(a, argc, argv, &i);
			continue;
		}
		if (a[1] == '-') {
			long_option(a, argc, argv, &i, o);
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			switch (*p) {
			case 'c':
			case 't':
			case 'o': {
				const char *arg = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
				if (!arg)
					usage_error("-", (char[]){*p, 0}, ": needs an argument");
				if (*p == 'c')
					o->cmd = arg;
				else if (*p == 't' && set_edge(arg) < 0)
					exit(2);
				else if (*p == 'o' && shell_option_set('-', 0, arg) < 0)
					usage_error("-o: unknown option name '", arg, "'");
				goto next; /* the rest of this word was the argument */
			}
			case 'i': o->force_i = true; break;
			case 'l': o->login = true; break;
			case 's': o->read_stdin = true; break;
			case 'h':
				fputs(usage_text, stdout);
				exit(0);
			case 'V':
				printf("ipcsh %s\n", IPCSH_VERSION);
				exit(0);
			default:
				/* every option of set: -a -b -C -e -f -m -n -u -v -x */
				if (shell_option_set('-', *p, NULL) < 0)
					usage_error("unknown option '-", (char[]){*p, 0}, "'");
			}
		}
next:;
	}
	return i;
}

/* "FILE: line N" for a run-time message, as bash prefixes them: FILE is
 * the `.` file running, else the script file (none for -c and the prompt);
 * N is $LINENO, which eval and $(...) continue from the line they are on
 * (a `.` file counts its own lines). */
static const char *script_file;
static const char *script_where(void)
{
	static char buf[512];
	const char *ln = var_get("LINENO");
	const char *file = sh.source_depth ? sh.source_name : script_file;
	if (!file || !ln || !*ln || *ln == '0')
		return NULL;
	snprintf(buf, sizeof buf, "%s: line %s", file, ln);
	return buf;
}

/* Parse the whole text, then print the plan, stop (-n), or run it. */
static int run_main_text(const char *text, size_t len, const char *name, bool oneshot)
{
	sh.source_name = name;
	if (sh.plan == PLAN_NONE && !sh.opt_n)
		return (oneshot ? shell_run_oneshot(text, len, name) : shell_run_text(text, len, name, 1)).status;
	struct arena a = {0};
	struct parse_error err;
	memset(&err, 0, sizeof err);
	struct ast_script *s = parse_script(&a, text, len, 1, &err);
	if (!s) {
		msg_err("%s: line %d: column %d: %s", name, err.line, err.column, err.msg);
		arena_free(&a);
		return 2;
	}
	if (sh.plan != PLAN_NONE) {
		struct strbuf sb = {0};
		plan_format_as(&sb, s, &sh.dflt_edge,
			       sh.plan == PLAN_JSON ? PLAN_FMT_JSON : sh.plan == PLAN_DOT ? PLAN_FMT_DOT
										  : PLAN_FMT_TEXT, name);
		if (sb.len && write_all(1, sb.buf, sb.len) < 0) { /* stdout gone */ }
		sb_free(&sb);
	}
	arena_free(&a);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	shell_init(environ, argv[0]);
	msg_where = script_where;
	sh.opt_H = true; /* histexpand: kept only by an interactive shell (below), as bash */
	int i = parse_options(argc, argv, &o);
	int st;
	o.login |= argv[0] && argv[0][0] == '-';
	bool runs = sh.plan == PLAN_NONE && !sh.opt_n;
	bool tty = isatty(0) && isatty(2);
	bool interactive = !o.cmd && (i >= argc || o.read_stdin) && (tty || o.force_i) && runs;
	sh.opt_H &= interactive;
	if (interactive) {
		/* before the startup files, so that they see an interactive shell */
		sh.interactive = true;
		if (job_control_init(true) < 0 && o.force_i)
			msg_warn("no terminal: no job control");
		sh.opt_m = sh.jobctl;
	}
	if (o.login && runs)
		startup_profile();
	if (interactive && !o.norc)
		startup_rc();
	if (o.cmd) {
		if (i < argc)
			free(sh.arg0), sh.arg0 = xstrdup(argv[i++]);
		params_set(argv + i, argc - i);
		st = run_main_text(o.cmd, strlen(o.cmd), "-c", true);
		shell_exit(st);
	}
	if (i < argc && !o.read_stdin) {
		const char *file = argv[i];
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		size_t len = 0;
		char *text = fd >= 0 ? read_fd_all(fd, &len) : NULL;
		if (!text) {
			msg_errno("%s", file);
			exit(errno == ENOENT ? 127 : 126);
		}
		close(fd);
		free(sh.arg0);
		sh.arg0 = xstrdup(file);
		params_set(argv + i + 1, argc - i - 1);
		script_file = file;
		st = run_main_text(text, len, file, false);
		free(text);
		shell_exit(st);
	}
	if (o.read_stdin)
		params_set(argv + i, argc - i);
	if (interactive)
		shell_exit(repl_main());
	size_t len = 0;
	char *text = read_fd_all(0, &len);
	if (!text) {
		msg_errno("cannot read standard input");
		exit(2);
	}
	st = run_main_text(text, len, "stdin", false);
	free(text);
	shell_exit(st);
}
