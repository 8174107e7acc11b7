/* fc.c — fc, POSIX's history editor, as bash does it:
 *
 *   fc -l [-nr] [FIRST [LAST]]     list (default: the last 16 commands)
 *   fc -s [OLD=NEW...] [CMD]       run CMD again (default: the last one),
 *                                  every OLD replaced by NEW ("fc -e -" too)
 *   fc [-e EDITOR] [-nr] [FIRST [LAST]]
 *                                  edit the commands in $FCEDIT, $EDITOR or
 *                                  vi, then run what the file holds
 *
 * FIRST and LAST are a history number, a negative offset from the command
 * before fc, or the start of a command (the newest one that starts so).
 * At the prompt, the fc command itself is the newest history entry: it is
 * skipped, and replaced by the command that fc runs (so the history shows
 * what ran). The history is GNU history's list, kept by src/repl/ for an
 * interactive shell; a script has none. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>

#include "../exec/shell.h"
#include "../parse/parse.h"
#include "../util/util.h"
#include "internal.h"

struct fc_opts {
	bool list, numbers, reverse, rerun;
	const char *editor;
	int ind;                /* first operand */
};

static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int fc_usage(void)
{
	err_printf("fc: usage: fc [-e ename] [-lnr] [first] [last] or fc -s [pat=rep] [command]\n");
	return 2;
}

/* Options end at the first word that is not one, or is a number (-2). */
static int parse_opts(int argc, char **argv, struct fc_opts *o)
{
	o->numbers = true;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] && !is_number(argv[i]); i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (const char *p = argv[i] + 1; *p; p++) {
			if (*p == 'e') {
				/* the rest of the word, or the next one, is the editor */
				o->editor = p[1] ? p + 1 : i + 1 < argc ? argv[++i] : NULL;
				if (!o->editor) {
					msg_err("fc: -e: option requires an argument");
					return -1;
				}
				break;
			}
			if (*p == 'l')
				o->list = true;
			else if (*p == 'n')
				o->numbers = false;
			else if (*p == 'r')
				o->reverse = true;
			else if (*p == 's')
				o->rerun = true;
			else {
				msg_err("fc: -%c: invalid option", *p);
				return -1;
			}
		}
	}
	if (o->editor && strcmp(o->editor, "-") == 0)
		o->rerun = true;
	o->ind = i;
	return 0;
}

/* The index of the newest entry fc deals with: the one before fc itself
 * at the prompt. -1: none. */
static int newest(void)
{
	return history_length - 1 - (sh.interactive && history_length > 0 ? 1 : 0);
}

/* The entry that spec names (NULL: the newest), or -1. */
static int find_entry(const char *spec)
{
	HIST_ENTRY **h = history_list();
	int last = newest();
	if (!spec)
		return last;
	if (is_number(spec)) {
		long n = strtol(spec, NULL, 10);
		if (n < 0)
			return n + last + 1 < 0 ? 0 : (int)(n + last + 1);
		if (n == 0)
			return last;
		n -= history_base;
		return n > last ? last : (int)n;
	}
	size_t len = strlen(spec);
	for (int j = last; j >= 0 && h; j--)
		if (strncmp(h[j]->line, spec, len) == 0)
			return j;
	return -1;
}

/* What fc runs becomes the history entry of the fc command. */
static void replace_fc_entry(const char *text)
{
	if (!sh.interactive || history_length == 0)
		return;
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		n--;
	char *t = xstrndup(text, n);
	HIST_ENTRY *old = replace_history_entry(history_length - 1, t, NULL);
	if (old)
		free(free_history_entry(old));
	free(t);
}

/* Provided by the interactive front end (src/repl/history.c): add an
 * entry that the history file will keep. NULL in a script. */
void (*fc_history_add)(const char *text);

static int run(const char *text)
{
	struct xs r = shell_run_text(text, strlen(text), "fc", 1);
	if (r.ctl == CTL_EXIT)
		shell_exit(r.status);
	return r.status;
}

/* Does text end inside a command (an open quote, a trailing |, an if
 * without fi)? */
static bool incomplete(const char *text, size_t len)
{
	struct arena a = {0};
	struct parse_error err;
	memset(&err, 0, sizeof err);
	bool open = !parse_script(&a, text, len, 1, &err) && err.incomplete;
	arena_free(&a);
	return open;
}

/* The edited file's commands, one after the other as bash reads them:
 * each shown, entered in the history (the first one in place of the fc
 * command), then run. */
static int run_commands(const char *text)
{
	struct strbuf cmd = {0};
	int st = 0;
	bool first = true;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		sb_add(&cmd, p, n);
		p += n;
		if (*p && incomplete(cmd.buf, cmd.len))
			continue;
		err_printf("%s%s", cmd.buf, cmd.buf[cmd.len - 1] == '\n' ? "" : "\n");
		if (first)
			replace_fc_entry(cmd.buf);
		else if (fc_history_add && sh.interactive) {
			while (cmd.len && cmd.buf[cmd.len - 1] == '\n')
				cmd.buf[--cmd.len] = '\0';
			fc_history_add(cmd.buf);
		}
		first = false;
		st = run(cmd.buf);
		cmd.len = 0;
	}
	sb_free(&cmd);
	return st;
}

/* s with every OLD replaced by NEW, for each OLD=NEW in turn. */
static char *substitute(const char *s, char **subs, int n)
{
	char *cur = xstrdup(s);
	for (int k = 0; k < n; k++) {
		const char *eq = strchr(subs[k], '=');
		size_t ol = (size_t)(eq - subs[k]);
		if (!ol)
			continue;
		struct strbuf sb = {0};
		sb_adds(&sb, "");
		for (const char *p = cur; *p;) {
			if (strncmp(p, subs[k], ol) == 0) {
				sb_adds(&sb, eq + 1);
				p += ol;
			} else {
				sb_addc(&sb, *p++);
			}
		}
		free(cur);
		cur = sb_detach(&sb);
	}
	return cur;
}

static int rerun(int argc, char **argv, int i)
{
	int first = i;
	while (i < argc && strchr(argv[i], '='))
		i++;
	int e = history_list() ? find_entry(i < argc ? argv[i] : NULL) : -1;
	if (e < 0) {
		msg_err("fc: no command found");
		return 1;
	}
	char *cmd = substitute(history_list()[e]->line, argv + first, i - first);
	err_printf("%s\n", cmd);
	replace_fc_entry(cmd);
	int st = run(cmd);
	free(cmd);
	return st;
}

/* Write the entries, run the editor on them, run what it left. */
static int edit(const struct fc_opts *o, int beg, int end)
{
	const char *tmp = var_get("TMPDIR");
	char *path = xasprintf("%s/ipcsh-fc.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		msg_errno("fc: cannot create %s", path);
		free(path);
		return 1;
	}
	struct strbuf sb = {0};
	HIST_ENTRY **h = history_list();
	for (int k = beg; k <= end; k++) {
		sb_adds(&sb, h[o->reverse ? end - (k - beg) : k]->line);
		sb_addc(&sb, '\n');
	}
	int st = write_all(fd, sb.buf, sb.len) < 0 ? -1 : 0;
	close(fd);
	sb_free(&sb);
	char *cmd = o->editor ? xasprintf("%s %s", o->editor, path)
			      : xasprintf("${FCEDIT:-${EDITOR:-vi}} %s", path);
	if (st == 0) {
		struct xs r = shell_run_text(cmd, strlen(cmd), "fc", 1);
		st = r.status;
	} else {
		msg_errno("fc: cannot write %s", path);
	}
	free(cmd);
	char *text = NULL;
	if (st == 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		char buf[4096];
		ssize_t n;
		struct strbuf in = {0};
		sb_adds(&in, "");
		while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
			sb_add(&in, buf, (size_t)n);
		if (fd >= 0)
			close(fd);
		text = sb_detach(&in);
	}
	unlink(path);
	free(path);
	if (st != 0) {
		free(text);
		return 1;
	}
	st = run_commands(text);
	free(text);
	return st;
}

int bi_fc(int argc, char **argv)
{
	struct fc_opts o = {0};
	if (parse_opts(argc, argv, &o) < 0)
		return fc_usage();
	if (o.rerun)
		return rerun(argc, argv, o.ind);
	int i = o.ind, last = newest();
	if (argc - i > 2)
		return fc_usage();
	if (!history_list() || last < 0) {
		if (o.list)
			return 0;
		msg_err("fc: history specification out of range");
		return 1;
	}
	int beg, end;
	if (i < argc) {
		beg = find_entry(argv[i]);
		end = i + 1 < argc ? find_entry(argv[i + 1]) : o.list ? last : beg;
	} else {
		end = last;
		beg = o.list ? (last - 15 < 0 ? 0 : last - 15) : last;
	}
	if (beg < 0 || end < 0) {
		msg_err("fc: history specification out of range");
		return 1;
	}
	if (end < beg) {
		int t = beg;
		beg = end;
		end = t;
		o.reverse = true;
	}
	if (!o.list)
		return edit(&o, beg, end);
	HIST_ENTRY **h = history_list();
	struct strbuf sb = {0};
	for (int k = beg; k <= end; k++) {
		int e = o.reverse ? end - (k - beg) : k;
		if (o.numbers)
			sb_addf(&sb, "%d", e + history_base);
		sb_addf(&sb, "\t %s\n", h[e]->line);
	}
	out_printf("%s", sb.buf);
	sb_free(&sb);
	return 0;
}
