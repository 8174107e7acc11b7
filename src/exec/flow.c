/* flow.c — break, continue, return, exit, eval, . (source), exec.
 *
 * Each returns its status with a control code that the tree walk carries
 * up to the loop, function, file or shell it is for. Where dash and bash
 * differ on an error (break 0, return outside a function), bash's answer
 * is taken: a message and a status, the script goes on. */
#include "flow.h"
#include "outthread.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../builtin/builtin.h"
#include "../job/job.h"
#include "../job/sig.h"

/* argv[1] as a count >= 1 for break/continue; 0 on error (message printed). */
static int loop_count(int argc, char **argv)
{
	if (argc < 2)
		return 1;
	char *end;
	errno = 0;
	long n = strtol(argv[1], &end, 10);
	if (!*argv[1] || *end || errno) {
		msg_err("%s: %s: numeric argument required", argv[0], argv[1]);
		return 0;
	}
	if (n < 1) {
		msg_err("%s: %s: loop count out of range", argv[0], argv[1]);
		return 0;
	}
	return n > INT_MAX ? INT_MAX : (int)n;
}

static struct xs loop_flow(int argc, char **argv, enum ctl ctl)
{
	if (sh.loop_depth == 0) {
		msg_err("%s: only meaningful in a 'for', 'while', or 'until' loop", argv[0]);
		return XS(0);
	}
	int n = loop_count(argc, argv);
	if (n == 0)
		return (struct xs){.status = 1, .ctl = CTL_BREAK, .n = sh.loop_depth};
	if (n > sh.loop_depth)
		n = sh.loop_depth;
	return (struct xs){.status = 0, .ctl = ctl, .n = n};
}

static struct xs fl_break(int argc, char **argv)
{
	return loop_flow(argc, argv, CTL_BREAK);
}

static struct xs fl_continue(int argc, char **argv)
{
	return loop_flow(argc, argv, CTL_CONTINUE);
}

/* argv[1] as a status (wrapped to 0..255), or *bad. */
static int status_arg(const char *name, const char *arg, bool *bad)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end || errno) {
		msg_err("%s: %s: numeric argument required", name, arg);
		*bad = true;
		return 2;
	}
	return (int)((unsigned long)v & 0xff);
}

static struct xs fl_return(int argc, char **argv)
{
	if (sh.func_depth == 0 && sh.source_depth == 0) {
		msg_err("return: can only 'return' from a function or sourced script");
		return XS(1);
	}
	bool bad = false;
	int st = argc > 1 ? status_arg("return", argv[1], &bad) : sh.status;
	return (struct xs){.status = st, .ctl = CTL_RETURN};
}

static struct xs fl_exit(int argc, char **argv)
{
	bool bad = false;
	int st = argc > 1 ? status_arg("exit", argv[1], &bad) : sh.status;
	if (sh.interactive && !sh.in_subshell && job_count_stopped()) {
		/* Warn once; again only if another command ran since (as bash). */
		static unsigned long warned_at;
		if (!warned_at || sh.nitems > warned_at + 1) {
			warned_at = sh.nitems ? sh.nitems : 1;
			err_printf("There are stopped jobs.\n");
			return XS(1);
		}
		for (struct job *j = job_first(); j; j = j->next)
			if (job_state(j) == JOB_STOPPED) {
				job_kill(j, SIGHUP);
				job_kill(j, SIGCONT);
			}
	}
	if (sh.interactive && !sh.in_subshell)
		err_printf("exit\n");
	return (struct xs){.status = st, .ctl = CTL_EXIT};
}

/* Skip a leading "--" (POSIX utility syntax for eval, ., exec). */
static int skip_dashdash(int argc, char **argv)
{
	return argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
}

static struct xs fl_eval(int argc, char **argv)
{
	int i = skip_dashdash(argc, argv);
	struct strbuf sb = {0};
	for (; i < argc; i++) {
		if (sb.len)
			sb_addc(&sb, ' ');
		sb_adds(&sb, argv[i]);
	}
	if (!sb.len) {
		sb_free(&sb);
		return XS(0);
	}
	sh.status = 0;
	struct xs r = shell_run_text(sb.buf, sb.len, "eval", shell_lineno());
	sb_free(&sb);
	return r;
}

static struct xs fl_source(int argc, char **argv)
{
	int a0 = skip_dashdash(argc, argv);
	if (argc <= a0) {
		msg_err("%s: filename argument required", argv[0]);
		return XS(2);
	}
	const char *file = argv[a0];
	char *path = strchr(file, '/') ? NULL : path_search(file, false, NULL);
	if (!path)
		path = xstrdup(file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msg_errno("%s: %s", argv[0], file);
		free(path);
		return (struct xs){.status = 1, .ctl = sh.interactive ? CTL_NONE : CTL_EXIT};
	}
	struct strbuf sb = {0};
	char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sb_add(&sb, buf, (size_t)n);
	close(fd);
	/* Arguments after the file become the positional parameters meanwhile. */
	char **saved = NULL;
	int nsaved = 0;
	if (argc > a0 + 1) {
		saved = sh.params;
		nsaved = sh.nparams;
		sh.params = NULL;
		sh.nparams = 0;
		params_set(argv + a0 + 1, argc - a0 - 1);
	}
	/* messages from the file's lines name it (main.c's script_where) */
	const char *outer = sh.source_name;
	sh.source_name = path;
	sh.source_depth++;
	struct xs r = shell_run_text(sb.buf ? sb.buf : "", sb.len, path, 1);
	sh.source_depth--;
	sh.source_name = outer;
	if (r.ctl == CTL_RETURN)
		r = XS(r.status);
	if (saved) {
		for (int i = 0; i < sh.nparams; i++)
			free(sh.params[i]);
		free(sh.params);
		sh.params = saved;
		sh.nparams = nsaved;
	}
	sb_free(&sb);
	free(path);
	return r;
}

static struct xs fl_exec(int argc, char **argv)
{
	int a0 = skip_dashdash(argc, argv);
	if (argc <= a0)
		return XS(0);
	const char *cmd = argv[a0];
	char *path = strchr(cmd, '/') ? xstrdup(cmd) : path_search(cmd, true, NULL);
	enum ctl fail = sh.interactive ? CTL_NONE : CTL_EXIT;
	if (!path) {
		msg_err("%s: command not found", cmd);
		return (struct xs){.status = 127, .ctl = fail};
	}
	sigset_t none;
	out_thread_exec();
	sig_child_reset();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fflush(NULL);
	execve(path, argv + a0, var_environ(NULL));
	int e = errno;
	msg_errno("%s", cmd);
	free(path);
	return (struct xs){.status = e == ENOENT ? 127 : 126, .ctl = fail};
}

static const struct flow_builtin flows[] = {
	{".", fl_source},
	{"break", fl_break},
	{"continue", fl_continue},
	{"eval", fl_eval},
	{"exec", fl_exec},
	{"exit", fl_exit},
	{"return", fl_return},
	{"source", fl_source},
};

const struct flow_builtin *flow_find(const char *name)
{
	/* A quick reject: most command names start with other letters. */
	if (!strchr(".bcers", name[0]))
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(flows); i++)
		if (strcmp(flows[i].name, name) == 0)
			return &flows[i];
	return NULL;
}
