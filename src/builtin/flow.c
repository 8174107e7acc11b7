/* flow.c — the built-ins that change the flow of the shell: exit, exec,
 * . / source, and command when it runs a command. The executor's owner
 * rewrites this file (status and control code in the call frame); the
 * rest of src/builtin/ only declares them in internal.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../exec/shell.h"
#include "../job/job.h"
#include "../job/sig.h"
#include "../util/util.h"
#include "builtin.h"
#include "internal.h"

int bi_exit(int argc, char **argv)
{
	int st = sh.status;
	if (argc > 1) {
		char *end;
		long v = strtol(argv[1], &end, 10);
		if (*end || !*argv[1]) {
			msg_err("exit: %s: numeric argument required", argv[1]);
			st = 2;
		} else {
			st = (int)(v & 0xff);
		}
	}
	if (sh.interactive && !sh.in_subshell && job_count_stopped()) {
		/* Warn once; again only if another command ran since (as bash). */
		static unsigned long warned_at;
		if (!warned_at || sh.nitems > warned_at + 1) {
			warned_at = sh.nitems ? sh.nitems : 1;
			err_printf("There are stopped jobs.\n");
			return 1;
		}
		for (struct job *j = job_first(); j; j = j->next)
			if (job_state(j) == JOB_STOPPED) {
				job_kill(j, SIGHUP);
				job_kill(j, SIGCONT);
			}
	}
	if (sh.interactive && !sh.in_subshell)
		err_printf("exit\n");
	shell_exit(st);
}

/* exec CMD ARGS: replace ipcsh (redirections were applied by the caller). */
int bi_exec(int argc, char **argv)
{
	if (argc < 2)
		return 0;
	const char *cmd = argv[1];
	char *path = strchr(cmd, '/') ? xstrdup(cmd) : path_search(cmd, true, NULL);
	if (!path) {
		msg_err("%s: command not found", cmd);
		if (!sh.interactive)
			shell_exit(127);
		return 127;
	}
	sigset_t none;
	sig_child_reset();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fflush(NULL);
	execve(path, argv + 1, var_environ(NULL));
	int e = errno;
	msg_errno("%s", cmd);
	free(path);
	if (!sh.interactive)
		shell_exit(e == ENOENT ? 127 : 126);
	return e == ENOENT ? 127 : 126;
}

int bi_source(int argc, char **argv)
{
	if (argc < 2) {
		msg_err("%s: filename argument required", argv[0]);
		return 2;
	}
	const char *file = argv[1];
	char *path = strchr(file, '/') ? NULL : path_search(file, false, NULL);
	if (!path)
		path = xstrdup(file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msg_errno("%s: %s", argv[0], file);
		free(path);
		return 1;
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
	if (argc > 2) {
		saved = sh.params;
		nsaved = sh.nparams;
		sh.params = NULL;
		sh.nparams = 0;
		params_set(argv + 2, argc - 2);
	}
	int st = shell_run_text(sb.buf ? sb.buf : "", sb.len, path);
	if (saved) {
		params_set(saved, nsaved);
		for (int i = 0; i < nsaved; i++)
			free(saved[i]);
		free(saved);
	}
	sb_free(&sb);
	free(path);
	return st;
}

/* command [-p] NAME [ARG...], the form that runs NAME (the -v and -V
 * forms are answered by bi_command in type.c, which calls this one with
 * ind at NAME). ipcsh has no functions or aliases to bypass yet. */
int bi_command_run(int argc, char **argv, int ind, bool std_path)
{
	(void)argc, (void)argv, (void)ind, (void)std_path;
	msg_err("command: only -v and -V are supported (ipcsh has no functions or aliases "
		"to bypass: run the command itself)");
	return 2;
}
