/* type.c — type and command -v / -V: what running a name would run, in
 * the shell's order: alias, reserved word, function, built-in, file. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../exec/shell.h"
#include "../util/util.h"
#include "internal.h"

/* The reserved words of POSIX XCU 2.4, plus bash's `function`, `time`,
 * `[[` and `]]`. */
static bool is_keyword(const char *name)
{
	static const char *const words[] = {
		"!",   "[[", "]]",   "case", "do",   "done",  "elif",     "else", "esac",
		"fi",  "for", "function", "if", "in", "then", "time", "until", "while", "{", "}",
	};
	for (size_t k = 0; k < ARRAY_LEN(words); k++)
		if (strcmp(words[k], name) == 0)
			return true;
	return false;
}

enum how { HOW_VERBOSE, HOW_NAME, HOW_TYPE, HOW_PATH };

/* The file name would run (a name with '/' is itself), searched in path
 * (NULL: $PATH). Heap string or NULL. */
static char *find_file(const char *name, const char *path)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	return path ? path_search_in(name, path) : path_search(name, true, NULL);
}

/* Say what name is, as `how` asks; files only when files_only (type
 * -p/-P). Returns 0 found, 1 not. */
static int describe(const char *name, enum how how, bool files_only, const char *path)
{
	const char *kind = NULL, *alias = NULL;
	if (files_only) {
		/* nothing but files */
	} else if ((alias = alias_get(name))) {
		kind = "alias";
	} else if (is_keyword(name)) {
		kind = "keyword";
	} else if (shell_func_exists(name)) {
		kind = "function";
	} else if (builtin_find(name)) {
		kind = "builtin";
	}
	if (kind) {
		struct strbuf sb = {0};
		if (how == HOW_TYPE) {
			sb_addf(&sb, "%s\n", kind);
		} else if (how == HOW_PATH) {
			/* type -p: nothing for what is not a file */
		} else if (alias && how == HOW_NAME) {
			sb_addf(&sb, "alias %s=", name);
			sb_add_shquoted(&sb, alias);
			sb_addc(&sb, '\n');
		} else if (alias) {
			sb_addf(&sb, "%s is aliased to `%s'\n", name, alias);
		} else if (how == HOW_NAME) {
			sb_addf(&sb, "%s\n", name);
		} else {
			sb_addf(&sb, "%s is a %s\n", name,
				*kind == 'k' ? "shell keyword" : *kind == 'f' ? "function" : "shell builtin");
		}
		if (sb.len)
			out_printf("%s", sb.buf);
		sb_free(&sb);
		return 0;
	}
	char *file = find_file(name, path);
	if (!file)
		return 1;
	if (how == HOW_VERBOSE)
		out_printf("%s is %s\n", name, file);
	else
		out_printf("%s\n", how == HOW_TYPE ? "file" : file);
	free(file);
	return 0;
}

/* type [-tpP] NAME...: bash's type (-a is not kept: one answer a name). */
int bi_type(int argc, char **argv)
{
	struct bopt g = BOPT_INIT;
	enum how how = HOW_VERBOSE;
	bool files_only = false;
	int c;
	while ((c = builtin_getopt(&g, argc, argv, "tpP")) != -1) {
		if (c == '?')
			return 2;
		how = c == 't' ? HOW_TYPE : HOW_PATH;
		files_only = c == 'P';
	}
	int st = 0;
	for (int i = g.ind; i < argc; i++)
		if (describe(argv[i], how, files_only, NULL) != 0) {
			if (how == HOW_VERBOSE)
				msg_err("type: %s: not found", argv[i]);
			st = 1;
		}
	return st;
}

/* command [-p] -v|-V NAME...: what NAME is (-v: its name or path, or the
 * alias as a command; -V: a sentence). Without -v or -V, command runs
 * NAME (flow.c). -p searches the system's default PATH. */
int bi_command(int argc, char **argv)
{
	struct bopt g = BOPT_INIT;
	int c, how = -1;
	bool std_path = false;
	while ((c = builtin_getopt(&g, argc, argv, "pvV")) != -1) {
		if (c == '?')
			return 2;
		if (c == 'p')
			std_path = true;
		else
			how = c == 'v' ? HOW_NAME : HOW_VERBOSE;
	}
	/* `command [-p] NAME ARGS` is run by the executor, which skips the
	 * functions (src/exec/pipeline.c); here only `command [-p]` with
	 * nothing to run is left. */
	if (how < 0)
		return 0;
	char *path = NULL;
	if (std_path) {
		size_t n = confstr(_CS_PATH, NULL, 0);
		path = n ? xmalloc(n) : NULL;
		if (!path || confstr(_CS_PATH, path, n) == 0) {
			free(path);
			path = xstrdup("/usr/bin:/bin");
		}
	}
	int st = g.ind < argc ? 0 : 1;
	for (int i = g.ind; i < argc; i++)
		if (describe(argv[i], (enum how)how, false, path) != 0) {
			if (how == HOW_VERBOSE)
				msg_err("command: %s: not found", argv[i]);
			st = 1;
		}
	free(path);
	return st;
}
