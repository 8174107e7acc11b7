/* startup.c — the files a shell reads before its first command (SPEC §8):
 * a login shell /etc/profile then ~/.profile, as sh; an interactive shell
 * then $ENV (POSIX; parameter-expanded) or, when ENV is unset,
 * $XDG_CONFIG_HOME/ipcsh/rc (default ~/.config/ipcsh/rc). Each is run as
 * `.` would run it; a file that is not there is skipped in silence. */
#include "repl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../exec/expand.h"
#include "../exec/flow.h"
#include "../exec/shell.h"
#include "../util/arena.h"
#include "../util/util.h"

/* `. path` if path exists; leaves the shell if the file says exit. */
static void run_file(const char *path)
{
	struct stat st;
	if (!path || !*path || (stat(path, &st) < 0 && errno == ENOENT))
		return;
	char *argv[] = {(char *)".", (char *)path, NULL};
	struct xs r = flow_find(".")->fn(2, argv);
	sh.status = r.status;
	if (r.ctl == CTL_EXIT)
		shell_exit(r.status);
}

void startup_profile(void)
{
	run_file("/etc/profile");
	const char *home = var_get("HOME");
	if (home && *home) {
		char *p = xasprintf("%s/.profile", home);
		run_file(p);
		free(p);
	}
}

void startup_rc(void)
{
	const char *env = var_get("ENV");
	if (env) {
		struct arena a = {0};
		char *path = expand_single(&a, env);
		run_file(path);
		arena_free(&a);
		return;
	}
	const char *cfg = var_get("XDG_CONFIG_HOME");
	const char *home = var_get("HOME");
	char *path = cfg && *cfg == '/' ? xasprintf("%s/ipcsh/rc", cfg)
		: home && *home ? xasprintf("%s/.config/ipcsh/rc", home) : NULL;
	run_file(path);
	free(path);
}
