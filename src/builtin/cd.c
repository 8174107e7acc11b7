/* cd.c — cd, pwd and the directory stack (pushd, popd, dirs).
 *
 * Logical paths as POSIX's cd -L: $PWD names the directory as the user
 * reached it (through symbolic links), made canonical by its text. cd
 * searches CDPATH, sets PWD and OLDPWD and exports both (as bash). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../exec/shell.h"
#include "../util/util.h"
#include "internal.h"

/* An absolute path made canonical by its text alone, as POSIX cd -L does:
 * no "." or ".." components, no doubled slashes ("/a/./b/../c" -> "/a/c"). */
static char *path_canon(const char *p)
{
	size_t n = strlen(p), o = 1;
	char *out = xmalloc(n + 2);
	out[0] = '/';
	for (const char *s = p; *s;) {
		while (*s == '/')
			s++;
		size_t l = strcspn(s, "/");
		if (l == 0 || (l == 1 && s[0] == '.')) {
			/* nothing */
		} else if (l == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
		} else {
			if (o > 1)
				out[o++] = '/';
			memcpy(out + o, s, l);
			o += l;
		}
		s += l;
	}
	out[o] = '\0';
	return out;
}

/* $PWD when it names the working directory (and is canonical), else the
 * physical path; NULL if neither is known. Heap string. */
static char *logical_cwd(void)
{
	const char *pwd = var_get("PWD");
	struct stat a, b;
	if (pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		char *c = path_canon(pwd);
		if (strcmp(c, pwd) == 0)
			return c;
		free(c);
	}
	return getcwd(NULL, 0);
}

/* -L (the default) or -P; returns the index of the first operand, or -1
 * after a message. */
static int cd_options(int argc, char **argv, bool *physical)
{
	struct bopt g = BOPT_INIT;
	int c;
	*physical = false;
	while ((c = builtin_getopt(&g, argc, argv, "LP")) != -1) {
		if (c == '?')
			return -1;
		*physical = c == 'P';
	}
	return g.ind;
}

/* Is dir a directory that chdir can enter? */
static bool is_dir(const char *dir)
{
	struct stat st;
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory to enter for operand dir: through CDPATH when dir is
 * relative and does not start with "." or ".." (POSIX cd step 5). Sets
 * *print when a non-empty CDPATH entry found it. Heap string. */
static char *cdpath_find(const char *dir, bool *print)
{
	const char *cdpath = var_get("CDPATH");
	if (!cdpath || dir[0] == '/' || (dir[0] == '.' && (dir[1] == '/' || !dir[1])) ||
	    (dir[0] == '.' && dir[1] == '.' && (dir[2] == '/' || !dir[2])))
		return xstrdup(dir);
	for (const char *p = cdpath;;) {
		size_t l = strcspn(p, ":");
		char *cand = l ? xasprintf("%.*s%s%s", (int)l, p, p[l - 1] == '/' ? "" : "/", dir)
			       : xasprintf("./%s", dir);
		if (is_dir(cand)) {
			*print = l > 0;
			if (!l) {
				free(cand);
				return xstrdup(dir);
			}
			return cand;
		}
		free(cand);
		if (!p[l])
			break;
		p += l + 1;
	}
	return xstrdup(dir);
}

/* Enter dir (-L: the path as written joined to $PWD and made canonical
 * by its text, so that `cd link; cd ..` comes back; the physical path when
 * that one does not work, as bash) and set PWD and OLDPWD. Returns 0, or
 * 1 after a message naming shown. */
static int cd_enter(const char *dir, const char *shown, bool physical, bool print)
{
	char *old = logical_cwd();
	char *now = NULL;
	if (!old)
		old = var_get("PWD") ? xstrdup(var_get("PWD")) : NULL;
	if (!physical && *dir && old) {
		char *joined = dir[0] == '/' ? xstrdup(dir) : xasprintf("%s/%s", old, dir);
		char *canon = path_canon(joined);
		free(joined);
		if (chdir(canon) == 0)
			now = canon;
		else
			free(canon);
	}
	if (!now) {
		if (chdir(dir) < 0) {
			msg_errno("cd: %s", shown);
			free(old);
			return 1;
		}
		now = getcwd(NULL, 0);
	}
	if (old && var_set("OLDPWD", old, VAR_EXPORT) < 0) { /* readonly: as bash, cd still worked */ }
	if (now && var_set("PWD", now, VAR_EXPORT) < 0) { /* idem */ }
	if (print && now)
		out_printf("%s\n", now);
	free(old);
	free(now);
	return 0;
}

int bi_cd(int argc, char **argv)
{
	bool physical;
	int i = cd_options(argc, argv, &physical);
	if (i < 0)
		return 2;
	const char *dir = i < argc ? argv[i] : var_get("HOME");
	bool print = false;
	if (argc - i > 1) {
		msg_err("cd: too many arguments");
		return 1;
	}
	if (!dir) {
		msg_err("cd: HOME not set");
		return 1;
	}
	if (!*dir)
		return 0; /* `cd ""` stays, as bash and dash */
	if (strcmp(dir, "-") == 0) {
		dir = var_get("OLDPWD");
		if (!dir) {
			msg_err("cd: OLDPWD not set");
			return 1;
		}
		print = true;
	}
	char *found = cdpath_find(dir, &print);
	int st = cd_enter(found, dir, physical, print);
	free(found);
	return st;
}

int bi_pwd(int argc, char **argv)
{
	bool physical;
	int i = cd_options(argc, argv, &physical);
	if (i < 0)
		return 2;
	if (i < argc) {
		msg_err("pwd: too many arguments");
		return 1;
	}
	char *d = physical ? getcwd(NULL, 0) : logical_cwd();
	const char *pwd = var_get("PWD");
	/* The directory was removed: $PWD still names where we are (bash). */
	if (!d && !physical && pwd && pwd[0] == '/')
		d = xstrdup(pwd);
	if (!d) {
		msg_errno("pwd: cannot get the working directory");
		return 1;
	}
	out_printf("%s\n", d);
	free(d);
	return 0;
}

/* ---- the directory stack, as bash's: entry 0 is always $PWD ---------- */

static char **dstack;  /* entries 1.. (heap strings) */
static size_t dstack_n;

static void dirs_print(bool longfmt)
{
	const char *home = var_get("HOME");
	size_t hl = home && *home && strcmp(home, "/") != 0 ? strlen(home) : 0;
	struct strbuf sb = {0};
	char *cwd = logical_cwd();
	if (!cwd && var_get("PWD"))
		cwd = xstrdup(var_get("PWD"));
	for (size_t k = 0; k <= dstack_n; k++) {
		const char *d = k ? dstack[dstack_n - k] : cwd ? cwd : ".";
		if (k)
			sb_addc(&sb, ' ');
		if (!longfmt && hl && strncmp(d, home, hl) == 0 && (d[hl] == '/' || !d[hl])) {
			sb_addc(&sb, '~');
			d += hl;
		}
		sb_adds(&sb, d);
	}
	sb_addc(&sb, '\n');
	out_printf("%s", sb.buf);
	sb_free(&sb);
	free(cwd);
}

int bi_dirs(int argc, char **argv)
{
	char f[128] = {0};
	int i = bopt_flags(argc, argv, "cl", f);
	if (i < 0)
		return 2;
	if (i < argc) {
		msg_err("dirs: %s: invalid argument", argv[i]);
		return 1;
	}
	if (f['c']) {
		for (size_t k = 0; k < dstack_n; k++)
			free(dstack[k]);
		dstack_n = 0;
		return 0;
	}
	dirs_print(f['l']);
	return 0;
}

/* pushd DIR: enter DIR, keeping the old directory on the stack; pushd
 * alone swaps the two top entries. */
int bi_pushd(int argc, char **argv)
{
	struct bopt g = BOPT_INIT;
	if (builtin_getopt(&g, argc, argv, "") != -1)
		return 2;
	if (argc - g.ind > 1) {
		msg_err("pushd: too many arguments");
		return 1;
	}
	char *old = logical_cwd();
	if (!old && var_get("PWD"))
		old = xstrdup(var_get("PWD"));
	if (!old) {
		msg_errno("pushd: cannot get the working directory");
		return 1;
	}
	char *to;
	if (g.ind < argc) {
		bool print = false;
		to = cdpath_find(argv[g.ind], &print);
	} else if (dstack_n) {
		to = dstack[--dstack_n];
	} else {
		msg_err("pushd: no other directory");
		free(old);
		return 1;
	}
	if (cd_enter(to, g.ind < argc ? argv[g.ind] : to, false, false) != 0) {
		if (g.ind >= argc)
			dstack[dstack_n++] = to, to = NULL;
		free(to);
		free(old);
		return 1;
	}
	free(to);
	dstack = xrealloc(dstack, (dstack_n + 1) * sizeof *dstack);
	dstack[dstack_n++] = old;
	dirs_print(false);
	return 0;
}

/* popd: leave for the top entry of the stack. */
int bi_popd(int argc, char **argv)
{
	struct bopt g = BOPT_INIT;
	if (builtin_getopt(&g, argc, argv, "") != -1)
		return 2;
	if (g.ind < argc) {
		msg_err("popd: %s: invalid argument", argv[g.ind]);
		return 1;
	}
	if (!dstack_n) {
		msg_err("popd: directory stack empty");
		return 1;
	}
	char *to = dstack[dstack_n - 1];
	if (cd_enter(to, to, false, false) != 0)
		return 1;
	dstack_n--;
	free(to);
	dirs_print(false);
	return 0;
}
