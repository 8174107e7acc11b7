/* builtin.c — the table of built-ins, their lookup, `help`, and the one
 * option parser they all use. Each built-in lives in its family's file
 * (internal.h lists them); job control's are in jobs.c. The flow
 * built-ins (break, continue, return, exit, eval, ., exec) are the
 * executor's (src/exec/flow.c); `command NAME` is run by the executor. */
#include "builtin.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../exec/flow.h"
#include "../exec/shell.h"
#include "../util/util.h"
#include "internal.h"

static void vfdprint(int fd, const char *fmt, va_list ap)
{
	struct strbuf sb = {0};
	sb_vaddf(&sb, fmt, ap);
	if (sb.len && write_all(fd, sb.buf, sb.len) < 0) { /* EPIPE and friends: the reader left */ }
	sb_free(&sb);
}

ssize_t bi_out(const void *buf, size_t n)
{
	if (!sh.stage_out)
		return write_all(1, buf, n);
	sb_add(sh.stage_out, buf, n);
	return (ssize_t)n;
}

void out_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfdprint(1, fmt, ap);
	va_end(ap);
}

void err_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfdprint(2, fmt, ap);
	va_end(ap);
}

int builtin_getopt(struct bopt *g, int argc, char **argv, const char *opts)
{
	bool silent = *opts == ':';
	opts += silent;
	bool plus = *opts == '+';
	opts += plus;
	g->arg = NULL;
	if (g->pos == 0) {
		if (g->ind >= argc)
			return -1;
		const char *w = argv[g->ind];
		if ((w[0] != '-' && !(plus && w[0] == '+')) || !w[1])
			return -1;
		if (strcmp(w, "--") == 0) {
			g->ind++;
			return -1;
		}
		g->pos = 1;
	}
	const char *w = argv[g->ind];
	g->sign = w[0];
	int c = (unsigned char)w[g->pos++];
	g->opt = c;
	const char *o = c && c != ':' ? strchr(opts, c) : NULL;
	bool last = !w[g->pos];
	if (!o) {
		if (last)
			g->ind++, g->pos = 0;
		if (!silent)
			msg_err("%s: %c%c: invalid option", argv[0], g->sign, c);
		return '?';
	}
	if (o[1] != ':') {
		if (last)
			g->ind++, g->pos = 0;
		return c;
	}
	/* The argument: the rest of this word, or the next word. */
	int at = g->pos;
	g->pos = 0;
	g->ind++;
	if (!last) {
		g->arg = argv[g->ind - 1] + at;
		return c;
	}
	if (g->ind >= argc) {
		if (!silent)
			msg_err("%s: -%c: option requires an argument", argv[0], c);
		return silent ? ':' : '?';
	}
	g->arg = argv[g->ind++];
	return c;
}

int bopt_flags(int argc, char **argv, const char *opts, char flags[128])
{
	struct bopt g = BOPT_INIT;
	int c;
	while ((c = builtin_getopt(&g, argc, argv, opts)) != -1) {
		if (c == '?' || c == ':')
			return -1;
		flags[c & 127] = g.sign;
	}
	return g.ind;
}

/* Sorted by name (strcmp), for builtin_find's binary search; a unit test
 * checks the order. */
/* The flow built-ins (break, exit, eval, ...) run in the executor
 * (src/exec/flow.c), which carries their control codes; seen through this
 * table (help, or a caller outside the tree walk) they run the same code,
 * and an exit leaves the shell. */
static int bi_flow(int argc, char **argv)
{
	const struct flow_builtin *f = flow_find(argv[0]);
	struct xs r = f->fn(argc, argv);
	if (r.ctl == CTL_EXIT)
		shell_exit(r.status);
	return r.status;
}

static const struct builtin table[] = {
	{".", bi_flow, ". FILE [ARG...]", "run FILE in this shell"},
	{":", bi_true, ": [ARG...]", "do nothing, successfully (arguments are expanded)"},
	{"[", bi_bracket, "[ EXPR ]", "evaluate a condition (as test)"},
	{"alias", bi_alias, "alias [-p] [NAME[=VALUE]...]", "define aliases, or print them as commands"},
	{"bg", bi_bg, "bg [JOB...]", "continue stopped jobs in the background"},
	{"break", bi_flow, "break [N]", "leave the N innermost loops"},
	{"cd", bi_cd, "cd [-L|-P] [DIR|-]", "change the working directory"},
	{"command", bi_command, "command [-p] [-v|-V] NAME...", "say what NAME runs (-v, -V)"},
	{"continue", bi_flow, "continue [N]", "go on with the next round of the N-th loop"},
	{"dirs", bi_dirs, "dirs [-cl]", "print (or -c clear) the directory stack"},
	{"disown", bi_disown, "disown [JOB...]", "forget jobs (they keep running)"},
	{"echo", bi_echo, "echo [-neE] [ARG...]", "write arguments to standard output"},
	{"eval", bi_flow, "eval [ARG...]", "run the arguments, joined by spaces, as shell text"},
	{"exec", bi_flow, "exec [CMD [ARG...]]", "replace the shell with CMD, or apply redirections to it"},
	{"exit", bi_flow, "exit [N]", "leave the shell with status N"},
	{"export", bi_export, "export [NAME[=VALUE]...]", "export variables to commands"},
	{"false", bi_false, "false", "return 1"},
	{"fc", bi_fc, "fc [-e ED] [-lnr] [FIRST [LAST]]|-s [A=B] [CMD]", "list, edit and run again commands of the history"},
	{"fg", bi_fg, "fg [JOB]", "continue a job in the foreground"},
	{"getopts", bi_getopts, "getopts OPTSTRING NAME [ARG...]", "parse options: the next one into NAME, OPTARG, OPTIND"},
	{"hash", bi_hash, "hash [-r] [NAME...]", "list, forget (-r) or remember the paths of commands"},
	{"help", bi_help, "help [NAME]", "describe built-ins"},
	{"history", bi_history, "history [N] | -c", "list or clear the command history"},
	{"jobs", bi_jobs, "jobs [-lp] [JOB...]", "list jobs"},
	{"kill", bi_kill, "kill [-SIG|-s SIG] PID|JOB... | -l [N...]", "send a signal; list or name signals"},
	{"let", bi_let, "let EXPR...", "evaluate arithmetic expressions; 0 when the last is not zero"},
	{"local", bi_local, "local NAME[=VALUE]...", "make variables local to the running function"},
	{"popd", bi_popd, "popd", "leave for the directory on top of the stack"},
	{"printf", bi_printf, "printf FORMAT [ARG...]", "format and print arguments (%d %s %b %x %f..., \\ escapes)"},
	{"pushd", bi_pushd, "pushd [DIR]", "enter DIR, keeping this directory on the stack"},
	{"pwd", bi_pwd, "pwd [-L|-P]", "print the working directory"},
	{"read", bi_read, "read [-r] [-p PROMPT] [NAME...]", "read a line into variables"},
	{"readonly", bi_readonly, "readonly [NAME[=VALUE]...]", "make variables readonly"},
	{"return", bi_flow, "return [N]", "leave a function or a . file with status N"},
	{"set", bi_set, "set [-+abCefHmnuvx] [-+o NAME] [-- ARG...]", "set options and parameters"},
	{"shift", bi_shift, "shift [N]", "shift positional parameters"},
	{"source", bi_flow, "source FILE [ARG...]", "run FILE in this shell"},
	{"test", bi_test, "test EXPR", "evaluate a condition: -f F, -n S, A = B, N -lt M, ! ( ) -a -o..."},
	{"times", bi_times, "times", "print the CPU times of the shell and its children"},
	{"trap", bi_trap, "trap [-lp] [[CMD|-|''] SIG...]", "run CMD on a signal or EXIT; list traps"},
	{"true", bi_true, "true", "return 0"},
	{"type", bi_type, "type [-tpP] NAME...", "say what NAME runs"},
	{"ulimit", bi_ulimit, "ulimit [-HS] [-a|-cdflmnqstuv] [LIMIT]", "print or set resource limits"},
	{"umask", bi_umask, "umask [-pS] [MODE]", "print or set the file creation mask"},
	{"unalias", bi_unalias, "unalias -a | NAME...", "remove aliases"},
	{"unset", bi_unset, "unset [-v|-f] NAME...", "remove variables (-f: functions)"},
	{"wait", bi_wait, "wait [JOB|PID...]", "wait for background jobs"},
	{NULL, NULL, NULL, NULL},
};

/* One transport for help: its syntax, what it is, each option. */
static void help_transport(struct strbuf *sb, enum edge_kind k)
{
	const struct opt_desc *o = transport_options(k);
	struct strbuf syn = {0};
	sb_adds(&syn, transport_name(k));
	for (const struct opt_desc *d = o; d->name; d++)
		sb_addf(&syn, "%s%s%s", d == o ? ":" : ",", d->name,
			d->type == OPT_FLAG ? "" : d->type == OPT_PATH ? "=PATH" : "=N");
	sb_addf(sb, "  |[%s]\n      %s\n", syn.buf, transport_summary(k));
	for (const struct opt_desc *d = o; d->name; d++)
		sb_addf(sb, "      %-9s %s\n", d->name, d->help);
	sb_free(&syn);
}

int bi_help(int argc, char **argv)
{
	struct strbuf sb = {0};
	if (argc == 1) {
		sb_addf(&sb, "ipcsh %s: pipelines with a choice of IPC per edge (a |[shm] b |[mq:lines] c).\n"
			     "Built-ins:\n", IPCSH_VERSION);
		for (const struct builtin *b = table; b->name; b++)
			sb_addf(&sb, "  %-48s %s\n", b->usage, b->help);
		sb_adds(&sb, "help transports: the transports of |[NAME:OPTIONS] and their options; "
			     "help NAME: one of them.\n");
	}
	int st = 0;
	for (int i = 1; i < argc; i++) {
		const struct builtin *b = builtin_find(argv[i]);
		int k = transport_lookup(argv[i], strlen(argv[i]));
		if (strcmp(argv[i], "transports") == 0) {
			sb_adds(&sb, "Transports: a |[NAME] b, or |[NAME:OPT=VALUE,FLAG] (sizes take K, M, G); "
				     "-t NAME sets what a bare | is.\n");
			for (int t = 0; t < EDGE__COUNT; t++)
				help_transport(&sb, (enum edge_kind)t);
		} else if (b) {
			sb_addf(&sb, "  %-48s %s\n", b->usage, b->help);
		} else if (k >= 0) {
			help_transport(&sb, (enum edge_kind)k);
		} else {
			msg_err("help: no help topics match '%s'", argv[i]);
			st = 1;
		}
	}
	if (sb.len)
		out_printf("%s", sb.buf);
	sb_free(&sb);
	return st;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct builtin *)elem)->name);
}

const struct builtin *builtin_find(const char *name)
{
	return bsearch(name, table, ARRAY_LEN(table) - 1, sizeof table[0], cmp_name);
}

const struct builtin *builtin_table(void)
{
	return table;
}
