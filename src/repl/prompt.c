/* prompt.c — PS1 and PS2, as bash builds them: backslash escapes first,
 * then the expansions of a double-quoted string. Quote characters stay as
 * typed (bash shows PS1="'x' " as 'x'), which is how a here-document body
 * is expanded, so expand_heredoc() does the second step. */
#include "repl_int.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/readline.h>

#include "../exec/expand.h"
#include "../exec/shell.h"
#include "../util/arena.h"
#include "../util/util.h"

/* Append text so that the expansion step gives it back unchanged. */
static void add_literal(struct strbuf *sb, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '$' || *p == '`' || *p == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, *p);
	}
}

static char *current_dir(void)
{
	const char *pwd = var_get("PWD");
	if (pwd && *pwd == '/')
		return xstrdup(pwd);
	char *cwd = getcwd(NULL, 0);
	return cwd ? cwd : xstrdup("?");
}

/* \w: the directory, with $HOME shown as ~. */
static void add_dir(struct strbuf *sb, bool base_only)
{
	char *dir = current_dir();
	const char *home = var_get("HOME");
	size_t hl = home ? strlen(home) : 0;
	const char *shown = dir;
	char *tilde = NULL;
	if (hl > 1 && strncmp(dir, home, hl) == 0 && (dir[hl] == '/' || !dir[hl]))
		shown = tilde = xasprintf("~%s", dir + hl);
	if (base_only && strcmp(shown, "/") != 0 && strcmp(shown, "~") != 0) {
		const char *slash = strrchr(shown, '/');
		if (slash)
			shown = slash + 1;
	}
	add_literal(sb, shown);
	free(tilde);
	free(dir);
}

static void add_user(struct strbuf *sb)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *user = pw ? pw->pw_name : var_get("USER");
	add_literal(sb, user ? user : "?");
}

static void add_host(struct strbuf *sb, bool full)
{
	char host[256];
	if (gethostname(host, sizeof host) < 0)
		strcpy(host, "?");
	host[sizeof host - 1] = '\0';
	if (!full)
		host[strcspn(host, ".")] = '\0';
	add_literal(sb, host);
}

/* Decode one escape (the character after a backslash) into sb. */
static void add_escape(struct strbuf *sb, char c)
{
	switch (c) {
	case 'u': add_user(sb); break;
	case 'h': add_host(sb, false); break;
	case 'H': add_host(sb, true); break;
	case 'w': add_dir(sb, false); break;
	case 'W': add_dir(sb, true); break;
	case 's': sb_adds(sb, "ipcsh"); break;
	case '$': sb_adds(sb, geteuid() == 0 ? "#" : "\\$"); break;
	case 'n': sb_addc(sb, '\n'); break;
	case 'e': sb_addc(sb, '\033'); break;
	case 'a': sb_addc(sb, '\a'); break;
	case '\\': sb_adds(sb, "\\\\"); break;
	/* Around non-printing sequences, so readline counts the width right. */
	case '[': sb_addc(sb, RL_PROMPT_START_IGNORE); break;
	case ']': sb_addc(sb, RL_PROMPT_END_IGNORE); break;
	default:
		sb_adds(sb, "\\\\");
		sb_addc(sb, c);
		break;
	}
}

char *prompt_build(const char *var, const char *dflt)
{
	const char *raw = var_get(var);
	if (!raw)
		raw = dflt;
	struct strbuf sb = {0};
	for (const char *p = raw; *p; p++) {
		if (*p == '\\' && p[1])
			add_escape(&sb, *++p);
		else
			sb_addc(&sb, *p);
	}
	struct arena a = {0};
	/* $(...) in a prompt must not change $? for the next command, and an
	 * unset variable in it is no error under set -u (as in bash). */
	int saved = sh.status;
	bool nounset = sh.opt_u;
	sh.opt_u = false;
	char *out = expand_heredoc(&a, sb.buf ? sb.buf : "");
	sh.opt_u = nounset;
	sh.status = saved;
	char *res = xstrdup(out ? out : raw);
	arena_free(&a);
	sb_free(&sb);
	return res;
}
