/* repl.c — the interactive loop: read a logical command with readline
 * (continuing with PS2 while the parser says the input is incomplete),
 * run it, report jobs before the next prompt. */
#include "repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "../exec/shell.h"
#include "../job/job.h"
#include "../parse/parse.h"
#include "../util/util.h"

int repl_main(void)
{
	rl_readline_name = "ipcsh";
	for (;;) {
		job_notify(stderr);
		struct strbuf cmd = {0};
		const char *ps1 = var_get("PS1");
		char *line = readline(ps1 ? ps1 : (geteuid() == 0 ? "ipcsh# " : "ipcsh$ "));
		for (;;) {
			if (!line)
				break;
			sb_adds(&cmd, line);
			sb_addc(&cmd, '\n');
			free(line);
			struct arena a = {0};
			struct parse_error err;
			memset(&err, 0, sizeof err);
			struct ast_script *s = parse_script(&a, cmd.buf, cmd.len, 1, &err);
			arena_free(&a);
			if (s || !err.incomplete)
				break;
			const char *ps2 = var_get("PS2");
			line = readline(ps2 ? ps2 : "> ");
		}
		if (!cmd.buf) {
			fputs("exit\n", stderr);
			break;
		}
		if (cmd.len > 1) {
			cmd.buf[cmd.len - 1] = '\0';
			add_history(cmd.buf);
			cmd.buf[cmd.len - 1] = '\n';
		}
		sh.status = shell_run_text(cmd.buf, cmd.len, "ipcsh");
		sb_free(&cmd);
	}
	return sh.status;
}
