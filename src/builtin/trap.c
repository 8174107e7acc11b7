/* trap.c — trap [-lp] [[ACTION] CONDITION...], as POSIX says: ACTION
 * "-" (or none before a single condition, or a first operand that is a
 * number) resets, '' ignores; conditions are EXIT or 0 and signal names
 * with or without SIG, in any case, or numbers. No operand (or -p) prints
 * the traps as commands that set them again. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../exec/shell.h"
#include "../job/sig.h"
#include "../util/util.h"
#include "internal.h"

/* A condition's number: 0 for EXIT, -1 if unknown. */
static int trap_cond(const char *c)
{
	if (strcmp(c, "0") == 0 || strcasecmp(c, "EXIT") == 0 || strcasecmp(c, "SIGEXIT") == 0)
		return 0;
	return sig_from_name(c);
}

static void trap_print(struct strbuf *sb, int s)
{
	if (!sh.traps[s])
		return;
	sb_adds(sb, "trap -- ");
	if (*sh.traps[s])
		sb_add_shquoted(sb, sh.traps[s]);
	else
		sb_adds(sb, "''");
	const char *name = s == 0 ? "EXIT" : sig_name(s);
	if (name)
		sb_addf(sb, " %s\n", name);
	else
		sb_addf(sb, " %d\n", s);
}

/* trap -l: the signals and their numbers, as kill -l. */
static void trap_list(struct strbuf *sb)
{
	for (int s = 1; s < NSIG; s++)
		if (sig_name(s))
			sb_addf(sb, "%2d) SIG%s\n", s, sig_name(s));
}

static bool is_number(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

int bi_trap(int argc, char **argv)
{
	char f[128] = {0};
	int i = bopt_flags(argc, argv, "lp", f);
	if (i < 0)
		return 2;
	struct strbuf sb = {0};
	int st = 0;
	if (f['l'] || i >= argc || f['p']) {
		if (f['l'])
			trap_list(&sb);
		else if (i >= argc)
			for (int s = 0; s < NSIG; s++)
				trap_print(&sb, s);
		for (; !f['l'] && i < argc; i++) {
			int s = trap_cond(argv[i]);
			if (s < 0) {
				msg_err("trap: %s: invalid signal specification", argv[i]);
				st = 1;
			} else {
				trap_print(&sb, s);
			}
		}
		if (sb.len)
			out_printf("%s", sb.buf);
		sb_free(&sb);
		return st;
	}
	const char *action = argv[i];
	/* A lone condition, or a number first: every operand is a condition to reset. */
	bool reset = strcmp(action, "-") == 0;
	if (argc - i == 1 || is_number(action))
		reset = true;
	else
		i++;
	for (; i < argc; i++) {
		int s = trap_cond(argv[i]);
		if (s < 0 || s == SIGKILL || s == SIGSTOP) {
			msg_err("trap: %s: invalid signal specification", argv[i]);
			st = 1;
			continue;
		}
		if (s > 0 && sig_trap(s, reset ? NULL : action) < 0) {
			msg_errno("trap: %s", argv[i]);
			st = 1;
			continue;
		}
		free(sh.traps[s]);
		sh.traps[s] = reset ? NULL : xstrdup(action);
	}
	return st;
}
