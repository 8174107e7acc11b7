/* run.c — scripts, lists and and-or lists; traps; $(...); exit.
 *
 * A script is parsed whole (parse_script) before anything runs; then each
 * item runs in turn: pipelines through pipeline_run(), '&' items as jobs.
 * Every call returns a struct xs: the status and a control code (break,
 * continue, return, exit) that unwinds the frames up to the construct it
 * is for; nothing travels through globals. */
#include "shell.h"
#include "outthread.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../builtin/builtin.h"
#include "../job/job.h"
#include "../job/sig.h"
#include "../parse/parse.h"
#include "../parse/word.h"
#include "pipeline.h"
#include "timing.h"

struct shell sh;

/* Set by the interactive front end: save history etc. before exit. */
void (*shell_exit_hook)(void);

void shell_init(char **environ_, const char *arg0)
{
	sh.opt_B = true; /* brace expansion, as bash */
	var_dyn_start();
	for (char **e = environ_; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || !is_name(*e, (size_t)(eq - *e)))
			continue;
		char *name = xstrndup(*e, (size_t)(eq - *e));
		if (var_set(name, eq + 1, VAR_EXPORT) < 0) { /* cannot happen for a fresh name */ }
		free(name);
	}
	sh.pid = getpid();
	sh.pgid = getpgrp();
	/* POSIX: IFS starts as <space><tab><newline>, whatever the
	 * environment said (an inherited IFS would change how scripts split). */
	if (var_set("IFS", " \t\n", 0) < 0) { /* a fresh shell has no readonly names */ }
	char ppid[32]; /* POSIX: PPID is the parent's pid, set at start */
	snprintf(ppid, sizeof ppid, "%ld", (long)getppid());
	if (var_set("PPID", ppid, 0) < 0) { /* a fresh name */ }
	sh.tty = -1;
	sh.arg0 = xstrdup(arg0 ? arg0 : "ipcsh");
	sh.dflt_edge.kind = EDGE_PIPE;
	sh.source_name = "ipcsh";
	/* PWD as sh sets it: the inherited value if it names this directory. */
	char *cwd = getcwd(NULL, 0);
	const char *pwd = var_get("PWD");
	struct stat a, b;
	if (cwd && !(pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(cwd, &b) == 0 &&
		     a.st_dev == b.st_dev && a.st_ino == b.st_ino) &&
	    var_set("PWD", cwd, VAR_EXPORT) < 0) { /* PWD is never readonly here */ }
	free(cwd);
	sig_init();
	parse_alias_lookup = alias_get; /* alias substitution reads the table of `alias` */
}

/* Line number of offset off in text whose first line is first_line. */
static int line_at(const char *text, size_t off, int first_line)
{
	int line = first_line;
	for (const char *p = text; (p = memchr(p, '\n', off - (size_t)(p - text))); p++)
		line++;
	return line;
}

/* Run s, parsed from text[0..len) (first_line: the number of its first
 * line) in *a, or owned by someone else when a is NULL. */
static struct xs run_parsed(struct ast_script *s, struct arena *a, const char *text, size_t len,
			    const char *name, int first_line, unsigned last)
{
	struct parse_error err;
	struct arena own = {0};
	if (a)
		own = *a;
	unsigned long aliases = alias_generation();
	sh.depth++;
	unsigned flags = sh.depth == 1 ? EV_TOP : 0;
	struct xs r = XS(sh.status);
	size_t base = 0; /* offset in text of what s was parsed from */
	int stale = 0;   /* an alias changed: the line it changed on */
	for (size_t i = 0; i < s->nitems && r.ctl == CTL_NONE; i++) {
		if (stale && s->items[i].line > stale) {
			/* An alias was defined or removed: as sh reads a script
			 * line by line, the lines after the one that changed it
			 * are parsed again with the new aliases (the whole text
			 * was checked before anything ran). */
			stale = 0;
			base += s->items[i - 1].end;
			struct arena next = {0};
			struct ast_script *ns = parse_script(&next, text + base, len - base,
							     line_at(text, base, first_line), &err);
			if (!ns) {
				msg_err("%s: line %d: column %d: %s", name, err.line, err.column, err.msg);
				arena_free(&next);
				r = (struct xs){.status = 2, .ctl = sh.interactive ? CTL_NONE : CTL_EXIT};
				break;
			}
			arena_free(&own);
			own = next;
			s = ns;
			i = 0;
		}
		struct ast_script one = {.nitems = 1, .items = &s->items[i]};
		r = exec_list(&one, flags | (i + 1 == s->nitems ? last : 0));
		if (aliases != alias_generation() && i + 1 < s->nitems) {
			aliases = alias_generation();
			stale = line_at(text, base + s->items[i].end, first_line);
		}
	}
	sh.depth--;
	arena_free(&own);
	return r;
}

static struct xs run_text(const char *text, size_t len, const char *name, int first_line,
			  unsigned last)
{
	struct arena a = {0};
	struct parse_error err;
	memset(&err, 0, sizeof err);
	if (sh.depth > 100) {
		msg_err("%s: nesting too deep", name);
		return XS(2);
	}
	struct ast_script *s = parse_script(&a, text, len, first_line, &err);
	if (!s) {
		msg_err("%s: line %d: column %d: %s", name, err.line, err.column, err.msg);
		arena_free(&a);
		/* A syntax error in eval or . text ends a non-interactive shell,
		 * as a special built-in's error does in sh. */
		return (struct xs){.status = 2, .ctl = sh.interactive ? CTL_NONE : CTL_EXIT};
	}
	return run_parsed(s, &a, text, len, name, first_line, last);
}

struct xs shell_run_text(const char *text, size_t len, const char *name, int first_line)
{
	return run_text(text, len, name, first_line, 0);
}

struct xs shell_run_oneshot(const char *text, size_t len, const char *name)
{
	sh.oneshot = true;
	return run_text(text, len, name, 1, EV_LAST);
}

/* Run an and-or list in the foreground; *eligible says whether its status
 * may trigger -e (the last pipeline ran and was not negated). */
static struct xs exec_andor(const struct ast_andor *ao, unsigned flags, bool *eligible)
{
	struct xs r = XS(sh.status);
	size_t last = 0;
	bool bang = false;
	for (size_t i = 0; i < ao->n; i++) {
		if (i > 0 && ((ao->ops[i] == ANDOR_AND && r.status != 0) ||
			      (ao->ops[i] == ANDOR_OR && r.status == 0)))
			continue;
		const struct ast_pipeline *p = &ao->pipes[i];
		/* Every pipeline but the last is tested; so is a negated one. */
		unsigned f = flags | (i + 1 < ao->n || p->bang ? EV_TESTED : 0);
		if (i + 1 < ao->n)
			f &= ~(unsigned)EV_LAST;
		struct timing tm;
		if (p->timed)
			timing_start(&tm);
		r = pipeline_run(p, false, f);
		if (p->timed)
			timing_report(&tm, p->timed);
		if (p->bang)
			r.status = !r.status;
		sh.status = r.status;
		last = i;
		bang = p->bang;
		if (r.ctl != CTL_NONE)
			break;
	}
	*eligible = last == ao->n - 1 && !bang && !(flags & EV_TESTED);
	return r;
}

/* A list item in the background: a lone pipeline becomes a job; a whole
 * and-or list (or a negated or timed pipeline) runs in a forked shell that
 * is the job. */
static struct xs exec_background(const struct ast_item *it)
{
	if (it->andor.n == 1 && !it->andor.pipes[0].bang && !it->andor.pipes[0].timed) {
		(void)pipeline_run(&it->andor.pipes[0], true, 0);
		sh.status = 0;
		return XS(0);
	}
	pid_t pid = shell_fork(0, false, false);
	if (pid < 0) {
		msg_errno("cannot fork");
		sh.status = 1;
		return XS(1);
	}
	if (pid == 0) {
		bool eligible;
		struct xs r = exec_andor(&it->andor, EV_LAST, &eligible);
		shell_exit(r.status);
	}
	struct job *j = job_new(it->text, 1);
	job_add_proc(j, pid, ROLE_STAGE, 0);
	j->pgid = sh.jobctl ? pid : 0;
	j->background = true;
	j->notified = true;
	job_number(j);
	job_make_current(j);
	sh.last_bg = pid;
	if (sh.interactive)
		fprintf(stderr, "[%d] %ld\n", j->id, (long)pid);
	sh.status = 0;
	return XS(0);
}

struct xs exec_list(const struct ast_script *s, unsigned flags)
{
	struct xs r = XS(sh.status);
	bool top = flags & EV_TOP;
	flags &= ~(unsigned)EV_TOP;
	for (size_t i = 0; i < s->nitems; i++) {
		const struct ast_item *it = &s->items[i];
		sh.nitems++;
		if (sh.opt_n && !sh.interactive)
			return r; /* set -n: read on, run nothing (the script is parsed already) */
		if (top && sh.opt_v) {
			/* -v: the input as it is read; ipcsh reads a script
			 * whole, so each top-level command before it runs. */
			struct strbuf sb = {0};
			sb_adds(&sb, it->text ? it->text : "");
			sb_adds(&sb, it->background ? " &\n" : "\n");
			if (write_all(2, sb.buf, sb.len) < 0) { /* no stderr */ }
			sb_free(&sb);
		}
		if (it->background) {
			r = exec_background(it);
		} else {
			bool eligible;
			unsigned f = i + 1 < s->nitems ? flags & ~(unsigned)EV_LAST : flags;
			r = exec_andor(&it->andor, f, &eligible);
			sh.status = r.status;
			if (r.ctl == CTL_NONE && sh.opt_e && r.status != 0 && eligible)
				r.ctl = CTL_EXIT;
		}
		if (r.ctl != CTL_NONE)
			return r;
		shell_run_pending_traps();
	}
	return r;
}

void shell_run_pending_traps(void)
{
	if (!sig_take_some())
		return;
	for (int s = 1; s < NSIG; s++) {
		/* A signal with an action runs it; the usual ones are taken
		 * even without one (a Ctrl-C between commands is spent). */
		bool usual = s == SIGHUP || s == SIGINT || s == SIGTERM || s == SIGQUIT ||
			     s == SIGUSR1 || s == SIGUSR2 || s == SIGALRM;
		bool action = sh.traps[s] && *sh.traps[s];
		if (s == SIGCHLD || (!usual && !action) || !sig_take(s) || !action)
			continue;
		int saved = sh.status;
		char *cmd = xstrdup(sh.traps[s]);
		struct xs r = shell_run_text(cmd, strlen(cmd), "trap", 1);
		free(cmd);
		if (r.ctl == CTL_EXIT)
			shell_exit(r.status);
		sh.status = saved;
	}
}

_Noreturn void shell_exit(int status)
{
	char *t = sh.traps[0];
	if (t && *t) {
		sh.traps[0] = NULL;
		sh.status = status;
		struct xs r = shell_run_text(t, strlen(t), "trap", 1);
		free(t);
		if (r.ctl == CTL_EXIT)
			status = r.status;
	}
	if (shell_exit_hook && !sh.in_subshell)
		shell_exit_hook();
	status = out_thread_end(status);
	fflush(NULL);
	if (sh.in_subshell)
		_exit(status & 0xff);
	exit(status & 0xff);
}

int shell_lineno(void)
{
	const char *ln = var_get("LINENO");
	long n = ln ? strtol(ln, NULL, 10) : 0;
	return n > 0 && n < INT_MAX ? (int)n : 1;
}

char *shell_capture(const struct word_part *cmd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		msg_errno("cannot create pipe for $(...)");
		sh.cmdsub_status = 1;
		return xstrdup("");
	}
	/* ipcsh only reads what the child writes: near. */
	pid_t pid = shell_fork(sh.jobctl ? sh.pgid : 0, false, true);
	if (pid < 0) {
		msg_errno("cannot fork for $(...)");
		close(p[0]);
		close(p[1]);
		sh.cmdsub_status = 1;
		return xstrdup("");
	}
	if (pid == 0) {
		close(p[0]);
		if (p[1] != 1) {
			dup2(p[1], 1);
			close(p[1]);
		}
		for (int s = 0; s < NSIG; s++) {
			free(sh.traps[s]);
			sh.traps[s] = NULL;
		}
		const char *text = cmd->u.cmd.src;
		size_t len = cmd->u.cmd.len;
		struct xs r = cmd->u.cmd.tree
			? run_parsed(cmd->u.cmd.tree, NULL, text, len, sh.source_name, cmd->u.cmd.line,
				     EV_LAST)
			: shell_run_text(text, len, sh.source_name, cmd->u.cmd.line);
		shell_exit(r.status);
	}
	close(p[1]);
	struct strbuf sb = {0};
	char buf[8192];
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sb_add(&sb, buf, (size_t)n);
	}
	close(p[0]);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	sh.cmdsub_status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	/* NUL bytes cannot live in a word: drop them, as bash does. */
	size_t w = 0;
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i])
			sb.buf[w++] = sb.buf[i];
	if (sb.buf)
		sb.buf[w] = '\0';
	return sb_detach(&sb);
}
