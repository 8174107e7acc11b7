/* edit.c — Ctrl-X Ctrl-E, bash's edit-and-execute-command: the line being
 * typed goes to a temporary file, $VISUAL, else $EDITOR, else vi edits it
 * (a foreground job with the terminal, as `fc` runs its editor), and what
 * the file holds then is accepted as if typed: shown on the prompt line,
 * run, and kept in the history. An editor that fails leaves the line as
 * it was, not run (as bash, whose editor runs through fc); an empty file
 * runs nothing. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/readline.h>

#include "../exec/shell.h"
#include "../util/util.h"
#include "repl_int.h"

/* The file's text without its trailing newlines, or NULL. */
static char *read_back(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sb_add(&sb, buf, (size_t)n);
	close(fd);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	return sb_detach(&sb);
}

static int edit_and_execute(int count, int key)
{
	(void)count, (void)key;
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/ipcsh-edit.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		rl_ding();
		return 0;
	}
	int st = write_all(fd, rl_line_buffer, (size_t)rl_end) < 0 || write_all(fd, "\n", 1) < 0;
	close(fd);
	char *text = NULL;
	if (!st) {
		char *cmd = xasprintf("${VISUAL:-${EDITOR:-vi}} %s", path);
		rl_crlf();
		rl_deprep_terminal();
		struct xs r = shell_run_text(cmd, strlen(cmd), "edit", 1);
		rl_prep_terminal(1);
		free(cmd);
		if (r.status == 0)
			text = read_back(path);
	}
	unlink(path);
	free(path);
	rl_on_new_line();
	if (!text) {
		rl_redisplay();
		return 0;
	}
	rl_replace_line(text, 0);
	free(text);
	rl_point = rl_end;
	rl_redisplay();
	return rl_newline(1, '\n');
}

void edit_setup(void)
{
	rl_add_defun("edit-and-execute-command", edit_and_execute, -1);
	rl_bind_keyseq("\\C-x\\C-e", edit_and_execute);
}
