/* repl.c — the interactive loop (SPEC §7, §8).
 *
 * Readline runs in its callback mode inside one poll() loop that also
 * watches the signal self-pipe (src/job/sig.c): Ctrl-C at the prompt
 * (SIGINT, caught into the pipe without SA_RESTART) discards the whole
 * logical command and shows a fresh PS1; a resize reaches readline;
 * SIGHUP hangs up the jobs and leaves. Between prompts readline is not
 * installed, so commands run with the terminal in the shell's own modes.
 *
 * A logical command is read line by line until parse_script() stops
 * saying "incomplete" (open quote, trailing | |[..] && || \, here-document
 * body); it is parsed once, added to the history once, and run. */
#include "repl.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/readline.h>

#include "../builtin/builtin.h"
#include "../exec/flow.h"
#include "../exec/shell.h"
#include "../job/job.h"
#include "../job/sig.h"
#include "../parse/parse.h"
#include "../util/arena.h"
#include "../util/util.h"
#include "repl_int.h"

enum read_result {
	READ_LINE,
	READ_EOF,
	READ_INTR,
	READ_DROP, /* history expansion failed, or only printed (:p): run nothing */
};

static char *accepted;      /* the line readline handed over, or NULL at EOF */
static bool accepted_any;

static void on_line(char *line)
{
	accepted = line;
	accepted_any = true;
	/* Removing the handler here keeps readline from printing the next
	 * prompt; the loop installs it again when it wants a line. */
	rl_callback_handler_remove();
}

/* Give every job SIGHUP (and SIGCONT to stopped ones) and leave, as bash
 * does when its terminal hangs up. */
static _Noreturn void hang_up(void)
{
	for (struct job *j = job_first(); j; j = j->next) {
		enum job_state s = job_state(j);
		if (s == JOB_DONE)
			continue;
		job_kill(j, SIGHUP);
		if (s == JOB_STOPPED)
			job_kill(j, SIGCONT);
	}
	shell_exit(128 + SIGHUP);
}

enum { GOT_INT = 1, GOT_HUP = 2, GOT_WINCH = 4, GOT_CHLD = 8 };

/* Drain the self-pipe: each byte is the number of a caught signal. */
static int take_signals(void)
{
	int fd = sig_wake_fd(), got = 0;
	unsigned char buf[64];
	ssize_t n;
	while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			got |= buf[i] == SIGINT ? GOT_INT : buf[i] == SIGHUP ? GOT_HUP
				: buf[i] == SIGWINCH ? GOT_WINCH : buf[i] == SIGCHLD ? GOT_CHLD : 0;
	if (got & GOT_HUP && sh.traps[SIGHUP] && *sh.traps[SIGHUP])
		got &= ~GOT_HUP; /* the user's trap decides */
	if (got & GOT_WINCH)
		(void)sig_take(SIGWINCH);
	return got;
}

/* Ctrl-C at a prompt: show ^C, drop the line, leave readline's state clean. */
static void cancel_line(void)
{
	rl_point = rl_end;
	rl_redisplay();
	rl_echo_signal_char(SIGINT);
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_crlf();
	rl_callback_handler_remove();
	sh.status = 128 + SIGINT;
	if (sh.traps[SIGINT] && *sh.traps[SIGINT])
		shell_run_pending_traps();
	else
		(void)sig_take(SIGINT);
}

/* One line with readline. *out is malloc'd for READ_LINE. */
static enum read_result read_line(const char *prompt, char **out)
{
	static bool started;
	accepted = NULL;
	accepted_any = false;
	/* A program run since the last prompt may have seen a resize. */
	if (started && isatty(0))
		rl_reset_screen_size();
	started = true;
	rl_callback_handler_install(prompt, on_line);
	while (!accepted_any) {
		struct pollfd pf[2] = {{.fd = 0, .events = POLLIN}, {.fd = sig_wake_fd(), .events = POLLIN}};
		int r = poll(pf, pf[1].fd >= 0 ? 2 : 1, -1);
		if (r < 0 && errno != EINTR) {
			msg_errno("cannot wait for input");
			rl_callback_handler_remove();
			return READ_EOF;
		}
		int got = take_signals();
		if (got & GOT_HUP) {
			rl_callback_handler_remove();
			hang_up();
		}
		if (got & GOT_WINCH)
			rl_resize_terminal();
		/* Reap now so no zombie waits for the next command; the report
		 * still comes before the next prompt, as in bash. */
		if (got & GOT_CHLD && sh.opt_b && job_has_news()) {
			/* set -b: report at once, on lines of its own, then
			 * draw the prompt and the line being edited again. */
			rl_crlf();
			job_notify(stderr);
			rl_on_new_line();
			rl_redisplay();
		} else if (got & GOT_CHLD) {
			(void)job_reap(false);
		}
		if (got & GOT_INT) {
			cancel_line();
			return READ_INTR;
		}
		if (r > 0 && pf[0].revents)
			rl_callback_read_char();
	}
	*out = accepted;
	return accepted ? READ_LINE : READ_EOF;
}

/* How a continuation line joins the previous ones in the history entry:
 * after an operator (| && || |[..]) with a space, after a backslash by
 * dropping it, inside a quote or a here-document with the newline itself
 * (the history file keeps such entries whole). `text` is the command so
 * far, ending in '\n'. */
static void history_join(struct strbuf *hist, const char *text, size_t len)
{
	struct strbuf probe = {0};
	sb_add(&probe, text, len);
	sb_adds(&probe, "true\n");
	struct arena a = {0};
	struct parse_error err;
	memset(&err, 0, sizeof err);
	bool closed = parse_script_more(&a, probe.buf, probe.len, &err) != NULL;
	arena_free(&a);
	sb_free(&probe);
	const char *last = memrchr(text, '\n', len - 1);
	bool comment = memchr(last ? last : text, '#', len - (size_t)(last ? last - text : 0)) != NULL;
	if (closed && !comment && hist->len && hist->buf[hist->len - 1] == '\\')
		hist->buf[--hist->len] = '\0';
	else if (closed && !comment)
		sb_addc(hist, ' ');
	else
		sb_addc(hist, '\n');
}

struct command {
	struct strbuf text;    /* as read, each line ending in '\n' */
	struct strbuf hist;    /* as the history keeps it */
	struct arena a;
	struct ast_script *script; /* NULL: a syntax error, in err */
	struct parse_error err;
};

static void command_free(struct command *c)
{
	sb_free(&c->text);
	sb_free(&c->hist);
	arena_free(&c->a);
}

/* History expansion of one line, as bash: the expanded line is shown on
 * stderr and replaces *line. A failed expansion drops the command (and
 * keeps nothing in the history); a :p one is shown and kept, not run. */
static bool expand_history(struct command *c, char **line)
{
	char *x;
	enum histexp r = histexp_line(*line, &x);
	if (r == HISTEXP_SAME)
		return true;
	free(*line);
	*line = NULL;
	if (r == HISTEXP_ERROR)
		return false;
	fprintf(stderr, "%s\n", x);
	if (r == HISTEXP_PRINT) {
		if (c->text.len)
			history_join(&c->hist, c->text.buf, c->text.len);
		sb_adds(&c->hist, x);
		history_add_command(c->hist.buf);
		free(x);
		return false;
	}
	*line = x;
	return true;
}

/* Read lines until they parse (or fail to parse for another reason than
 * an early end). READ_EOF only on an empty command. */
static enum read_result read_command(struct command *c)
{
	char *prompt = prompt_build("PS1", "\\w\\$ ");
	for (;;) {
		char *line = NULL;
		enum read_result r = read_line(prompt, &line);
		free(prompt);
		if (r == READ_INTR)
			return r;
		if (r == READ_EOF) {
			/* Ctrl-D in an unfinished command: bash says so on the
			 * PS2 line, keeps the command in the history and leaves
			 * with status 2 (through `exit`, so stopped jobs warn). */
			if (c->text.len) {
				msg_err("syntax error: unexpected end of file");
				history_add_command(c->hist.buf ? c->hist.buf : "");
				sh.status = 2;
			}
			return READ_EOF;
		}
		if (sh.opt_H && !expand_history(c, &line))
			return READ_DROP;
		if (c->text.len)
			history_join(&c->hist, c->text.buf, c->text.len);
		sb_adds(&c->hist, line);
		sb_adds(&c->text, line);
		sb_addc(&c->text, '\n');
		free(line);
		arena_free(&c->a);
		memset(&c->err, 0, sizeof c->err);
		c->script = parse_script_more(&c->a, c->text.buf, c->text.len, &c->err);
		if (c->script || !c->err.incomplete)
			return READ_LINE;
		prompt = prompt_build("PS2", "> ");
	}
}

/* Ctrl-D on an empty line: leave through `exit`, which warns once about
 * stopped jobs (then returns) and otherwise does not return. */
static void leave_on_eof(void)
{
	char *argv[] = {(char *)"exit", NULL};
	struct xs r = flow_find("exit")->fn(1, argv);
	if (r.ctl == CTL_EXIT)
		shell_exit(r.status);
}

static void run_command(struct command *c)
{
	history_add_command(c->hist.buf ? c->hist.buf : "");
	if (!c->script) {
		if (c->err.line > 1)
			msg_err("line %d: %s", c->err.line, c->err.msg);
		else
			msg_err("%s", c->err.msg);
		sh.status = 2;
		return;
	}
	struct xs r = exec_list(c->script, 0);
	sh.status = r.status;
	if (r.ctl == CTL_EXIT)
		shell_exit(r.status);
}

/* The last thing before the shell exits (shell_exit): save the history,
 * hand the terminal back to whoever had it. */
static void on_shell_exit(void)
{
	history_save();
	job_control_end();
}

static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	return *a == '/' && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void repl_setup(void)
{
	rl_readline_name = "ipcsh";
	rl_instream = stdin;
	rl_outstream = stderr; /* prompts and echo on stderr, as bash: stdout stays the user's */
	rl_catch_signals = 1;
	rl_catch_sigwinch = 0; /* caught below into the self-pipe, even between keys */
	/* $PWD for prompts (\w) when the environment did not bring it. */
	const char *pwd = var_get("PWD");
	char *cwd = getcwd(NULL, 0);
	if (cwd && (!pwd || !same_dir(pwd, cwd)) && var_set("PWD", cwd, VAR_EXPORT) < 0) { /* not readonly */ }
	free(cwd);
	if (!var_get("PS1") && var_set("PS1", "\\w\\$ ", 0) < 0) { /* not readonly */ }
	if (!var_get("PS2") && var_set("PS2", "> ", 0) < 0) { /* idem */ }
	struct sigaction old;
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN && !sh.traps[SIGHUP])
		(void)sig_trap(SIGHUP, "hang up");
	if (isatty(0))
		(void)sig_trap(SIGWINCH, "resize");
	/* An interactive shell survives `kill 0` (bash); children still get
	 * the inherited disposition (sig_child_default_set). */
	if (sigaction(SIGTERM, NULL, &old) == 0 && old.sa_handler == SIG_DFL && !sh.traps[SIGTERM])
		signal(SIGTERM, SIG_IGN);
	history_setup();
	histexp_setup();
	shell_exit_hook = on_shell_exit;
	complete_setup();
	edit_setup();
}

int repl_main(void)
{
	repl_setup();
	for (;;) {
		/* Signals that came while a command ran are not for this prompt
		 * (a Ctrl-C that ended `wait`, SIGCHLDs), except a hang-up. */
		if (take_signals() & GOT_HUP)
			hang_up();
		if (!(sh.traps[SIGINT] && *sh.traps[SIGINT]))
			(void)sig_take(SIGINT);
		job_notify(stderr);
		history_apply_size();
		struct command c;
		memset(&c, 0, sizeof c);
		enum read_result r = read_command(&c);
		if (r == READ_EOF)
			leave_on_eof();
		else if (r == READ_LINE)
			run_command(&c);
		command_free(&c);
		fflush(NULL);
	}
}
