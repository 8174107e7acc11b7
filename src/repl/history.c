/* history.c — the command history (SPEC §8): kept by GNU history in
 * memory (capped at HISTSIZE), loaded from $XDG_STATE_HOME/ipcsh/history
 * at start, and this session's entries appended to that file on exit,
 * which is then truncated to HISTFILESIZE entries — so successive (and
 * concurrent) sessions share one history, as bash's histappend does.
 *
 * Each entry is written after a "#<time>" line (bash's format with
 * HISTTIMEFORMAT): a command that spans lines (an open quote, a
 * here-document) then reads back as one entry. */
#include "repl_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>

#include "../builtin/builtin.h"
#include "../exec/shell.h"
#include "../util/util.h"
#include "repl.h"

enum { HIST_DEFAULT_SIZE = 1000 };

static char *hist_path;     /* NULL: no history file (no HOME, no state dir) */
static int new_entries;     /* added since the file was read */
static long applied_size = -2;

/* A non-negative number from a variable, def when unset, -1 when it is
 * set but not a number (bash: no limit). */
static long size_var(const char *name, long def)
{
	const char *v = var_get(name);
	if (!v)
		return def;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < 0)
		return -1;
	return n > INT_MAX ? INT_MAX : n;
}

/* Create every missing directory of path, 0700 as the XDG spec asks. */
static int mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, 0700);
		*p = '/';
		if (r < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static char *history_file_path(void)
{
	const char *state = var_get("XDG_STATE_HOME");
	if (state && *state == '/')
		return xasprintf("%s/ipcsh/history", state);
	const char *home = var_get("HOME");
	if (!home || !*home)
		return NULL;
	return xasprintf("%s/.local/state/ipcsh/history", home);
}

void history_apply_size(void)
{
	long n = size_var("HISTSIZE", HIST_DEFAULT_SIZE);
	if (n == applied_size)
		return;
	applied_size = n;
	int before = history_length;
	if (n < 0)
		unstifle_history();
	else
		stifle_history((int)n);
	if (history_length < before && new_entries > history_length)
		new_entries = history_length;
}

void history_add_command(const char *text)
{
	if (!*text || strspn(text, " \t\n") == strlen(text))
		return;
	add_history(text);
	if (new_entries < history_length)
		new_entries++;
}

void history_save(void)
{
	if (!hist_path)
		return;
	if (new_entries > 0) {
		char *dir_path = xstrdup(hist_path);
		int fd = mkdir_parents(dir_path) < 0 ? -1
			: open(hist_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		free(dir_path);
		if (fd < 0) {
			msg_errno("history: cannot open %s", hist_path);
			return;
		}
		close(fd);
		int n = new_entries < history_length ? new_entries : history_length;
		int e = append_history(n, hist_path);
		if (e) {
			errno = e;
			msg_errno("history: cannot write %s", hist_path);
			return;
		}
		new_entries = 0;
	}
	long max = size_var("HISTFILESIZE", size_var("HISTSIZE", HIST_DEFAULT_SIZE));
	if (max >= 0 && access(hist_path, F_OK) == 0)
		history_truncate_file(hist_path, (int)max);
}

static int history_usage(const char *arg, const char *why, int status)
{
	msg_err("history: %s: %s", arg, why);
	err_printf("history: usage: history [N] | history -c\n");
	return status;
}

/* The `history` built-in: list (all, or the last N), or -c to clear. */
static int history_builtin(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i < argc && strcmp(argv[i], "-c") == 0 && i + 1 == argc) {
		clear_history();
		new_entries = 0;
		return 0;
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1])
		return history_usage(argv[i], "invalid option", 2);
	if (argc - i > 1)
		return history_usage(argv[i + 1], "too many arguments", 2);
	long count = history_length;
	if (i < argc) {
		char *end;
		errno = 0;
		count = strtol(argv[i], &end, 10);
		if (!*argv[i] || *end || errno || count < 0)
			return history_usage(argv[i], "numeric argument required", 1);
	}
	HIST_ENTRY **list = history_list();
	struct strbuf sb = {0};
	for (long k = count < history_length ? history_length - count : 0; list && k < history_length; k++)
		sb_addf(&sb, "%5ld  %s\n", k + history_base, list[k]->line);
	if (sb.len)
		out_printf("%s", sb.buf);
	sb_free(&sb);
	return 0;
}

void history_setup(void)
{
	using_history();
	/* "#<seconds>" lines before entries; they also delimit multi-line ones. */
	history_comment_char = '#';
	history_write_timestamps = 1;
	history_multiline_entries = 1;
	hist_path = history_file_path();
	if (hist_path) {
		int e = read_history(hist_path);
		if (e && e != ENOENT) {
			errno = e;
			msg_errno("history: cannot read %s", hist_path);
		}
	}
	history_apply_size();
	new_entries = 0;
	builtin_history_hook = history_builtin;
	fc_history_add = history_add_command;
}
