/* builtin.c — the shell built-ins that need no terminal. Job control
 * built-ins are in jobs.c. */
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../exec/flow.h"
#include "../exec/shell.h"
#include "../job/job.h"
#include "../job/sig.h"
#include "../util/util.h"


/* Provided by the interactive front end; NULL when not linked in. */
int (*builtin_history_hook)(int argc, char **argv);

static void vfdprint(int fd, const char *fmt, va_list ap)
{
	struct strbuf sb = {0};
	sb_vaddf(&sb, fmt, ap);
	if (sb.len && write_all(fd, sb.buf, sb.len) < 0) { /* EPIPE and friends: the reader left */ }
	sb_free(&sb);
}

void out_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfdprint(1, fmt, ap);
	va_end(ap);
}

void err_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfdprint(2, fmt, ap);
	va_end(ap);
}

static int bi_true(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 0;
}

static int bi_false(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 1;
}

static void echo_escapes(struct strbuf *sb, const char *s, bool *stop)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			sb_addc(sb, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'n': sb_addc(sb, '\n'); break;
		case 't': sb_addc(sb, '\t'); break;
		case 'r': sb_addc(sb, '\r'); break;
		case 'a': sb_addc(sb, '\a'); break;
		case 'b': sb_addc(sb, '\b'); break;
		case 'f': sb_addc(sb, '\f'); break;
		case 'v': sb_addc(sb, '\v'); break;
		case 'e': sb_addc(sb, 27); break;
		case '\\': sb_addc(sb, '\\'); break;
		case 'c': *stop = true; return;
		case '0': {
			int v = 0, k = 0;
			while (k < 3 && s[1] >= '0' && s[1] <= '7') {
				v = v * 8 + (*++s - '0');
				k++;
			}
			sb_addc(sb, (char)v);
			break;
		}
		default: sb_addc(sb, '\\'); sb_addc(sb, *s); break;
		}
	}
}

/* echo [-neE] ARG... as bash's echo. */
static int bi_echo(int argc, char **argv)
{
	bool nl = true, esc = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *p = argv[i] + 1;
		if (strspn(p, "neE") != strlen(p))
			break;
		for (; *p; p++)
			*p == 'n' ? (nl = false) : *p == 'e' ? (esc = true) : (esc = false);
	}
	struct strbuf sb = {0};
	bool stop = false;
	for (int first = i; i < argc && !stop; i++) {
		if (i > first)
			sb_addc(&sb, ' ');
		if (esc)
			echo_escapes(&sb, argv[i], &stop);
		else
			sb_adds(&sb, argv[i]);
	}
	if (nl && !stop)
		sb_addc(&sb, '\n');
	int r = sb.len && write_all(1, sb.buf, sb.len) < 0 ? 1 : 0;
	if (r)
		msg_errno("echo: write error");
	sb_free(&sb);
	return r;
}

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

/* -L (the default) or -P before the operands; returns the index of the
 * first operand, or -1 after a message. */
static int cd_options(int argc, char **argv, const char *what, bool *physical)
{
	int i = 1;
	*physical = false;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (const char *p = argv[i] + 1; *p; p++) {
			if (*p != 'L' && *p != 'P') {
				msg_err("%s: -%c: invalid option (use -L or -P)", what, *p);
				return -1;
			}
			*physical = *p == 'P';
		}
	}
	return i;
}

static int bi_cd(int argc, char **argv)
{
	bool physical;
	int i = cd_options(argc, argv, "cd", &physical);
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
	if (strcmp(dir, "-") == 0) {
		dir = var_get("OLDPWD");
		if (!dir) {
			msg_err("cd: OLDPWD not set");
			return 1;
		}
		print = true;
	}
	char *old = logical_cwd();
	char *now = NULL;
	/* -L: the path as written, joined to $PWD and made canonical by its
	 * text, so that `cd link; cd ..` comes back; the physical path when
	 * that one does not work (as bash). */
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
			msg_errno("cd: %s", dir);
			free(old);
			return 1;
		}
		now = getcwd(NULL, 0);
	}
	if (old && var_set("OLDPWD", old, 0) < 0) { /* not readonly here */ }
	if (now && var_set("PWD", now, 0) < 0) { /* idem */ }
	if (print && now)
		out_printf("%s\n", now);
	free(old);
	free(now);
	return 0;
}

static int bi_pwd(int argc, char **argv)
{
	bool physical;
	int i = cd_options(argc, argv, "pwd", &physical);
	if (i < 0)
		return 2;
	if (i < argc) {
		msg_err("pwd: too many arguments");
		return 1;
	}
	char *d = physical ? getcwd(NULL, 0) : logical_cwd();
	if (!d) {
		msg_errno("pwd");
		return 1;
	}
	out_printf("%s\n", d);
	free(d);
	return 0;
}

/* ---- umask, command -v, type, read ------------------------------------- */

static int bi_umask(int argc, char **argv)
{
	int i = 1;
	bool sym = i < argc && strcmp(argv[i], "-S") == 0;
	i += sym;
	if (i >= argc) {
		mode_t m = umask(0);
		umask(m);
		if (!sym) {
			out_printf("%04o\n", (unsigned)m);
			return 0;
		}
		static const char who[] = "ugo";
		struct strbuf sb = {0};
		for (int k = 0; k < 3; k++) {
			unsigned allow = ~(unsigned)m >> (6 - 3 * k) & 7;
			sb_addf(&sb, "%s%c=%s%s%s", k ? "," : "", who[k], allow & 4 ? "r" : "",
				allow & 2 ? "w" : "", allow & 1 ? "x" : "");
		}
		out_printf("%s\n", sb.buf);
		sb_free(&sb);
		return 0;
	}
	const char *a = argv[i];
	unsigned v = 0;
	for (const char *p = a; *p; p++) {
		if (*p < '0' || *p > '7' || v > 0777) {
			msg_err("umask: %s: an octal mode is expected (such as 022)", a);
			return 1;
		}
		v = v * 8 + (unsigned)(*p - '0');
	}
	if (!*a || v > 0777) {
		msg_err("umask: %s: an octal mode is expected (such as 022)", a);
		return 1;
	}
	umask((mode_t)v);
	return 0;
}

/* What running name would run: a built-in, or a file found with $PATH.
 * verbose: "NAME is ..." as `type` and `command -V` say it. 0 found, 1 not. */
static int describe(const char *name, bool verbose, const char *what)
{
	if (builtin_find(name)) {
		if (verbose)
			out_printf("%s is a shell builtin\n", name);
		else
			out_printf("%s\n", name);
		return 0;
	}
	char *path = strchr(name, '/') ? (access(name, X_OK) == 0 ? xstrdup(name) : NULL)
				       : path_search(name, true, NULL);
	if (!path) {
		if (verbose)
			msg_err("%s: %s: not found", what, name);
		return 1;
	}
	if (verbose)
		out_printf("%s is %s\n", name, path);
	else
		out_printf("%s\n", path);
	free(path);
	return 0;
}

static int bi_type(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc; i++)
		st |= describe(argv[i], true, "type");
	return st;
}

static int bi_command(int argc, char **argv)
{
	bool verbose;
	if (argc < 2 || (strcmp(argv[1], "-v") != 0 && strcmp(argv[1], "-V") != 0)) {
		msg_err("command: only -v and -V are supported (ipcsh has no functions or aliases "
			"to bypass: run the command itself)");
		return 2;
	}
	verbose = argv[1][1] == 'V';
	int st = argc > 2 ? 0 : 1;
	for (int i = 2; i < argc; i++)
		st |= describe(argv[i], verbose, "command");
	return st;
}

/* One line of fd 0, read a byte at a time so that nothing after the
 * newline is taken from a shared input. Without -r, a backslash quotes the
 * next character (esc[k] marks it) and backslash-newline continues the
 * line. Returns 1 when the line ended with a newline, 0 at EOF. */
static int read_line(bool raw, struct strbuf *line, struct strbuf *esc)
{
	for (;;) {
		char c;
		ssize_t n = read(0, &c, 1);
		if (n < 0 && errno == EINTR && !sig_pending_any())
			continue;
		if (n <= 0)
			return 0;
		if (!raw && c == '\\') {
			do
				n = read(0, &c, 1);
			while (n < 0 && errno == EINTR && !sig_pending_any());
			if (n <= 0)
				return 0;
			if (c == '\n')
				continue;
			sb_addc(line, c);
			sb_addc(esc, 1);
			continue;
		}
		if (c == '\n')
			return 1;
		sb_addc(line, c);
		sb_addc(esc, 0);
	}
}

static int bi_read(int argc, char **argv)
{
	bool raw = false;
	const char *prompt = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-r") == 0) {
			raw = true;
		} else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			prompt = argv[++i];
		} else {
			msg_err("read: %s: invalid option (use -r, -p PROMPT)", argv[i]);
			return 2;
		}
	}
	for (int k = i; k < argc; k++)
		if (!is_name(argv[k], (size_t)-1)) {
			msg_err("read: '%s': not a valid identifier", argv[k]);
			return 2;
		}
	if (prompt && isatty(0) && write_all(2, prompt, strlen(prompt)) < 0) { /* no terminal */ }
	struct strbuf line = {0}, esc = {0};
	sb_add(&line, "", 0);
	sb_add(&esc, "", 0);
	int got_nl = read_line(raw, &line, &esc);
	const char *ifs = var_get("IFS");
	if (!ifs)
		ifs = " \t\n";
	const char *s = line.buf, *q = esc.buf;
	size_t n = line.len, p = 0;
#define IS_IFS(k) (!q[k] && s[k] && strchr(ifs, s[k]))
#define IS_WS(k) (IS_IFS(k) && strchr(" \t\n", s[k]))
	while (p < n && IS_WS(p))
		p++;
	int nvars = argc - i;
	int st = 0;
	for (int k = 0; k < (nvars ? nvars : 1); k++) {
		const char *name = nvars ? argv[i + k] : "REPLY";
		size_t start = p, end;
		if (nvars && k < nvars - 1) {
			while (p < n && !IS_IFS(p))
				p++;
			end = p;
			while (p < n && IS_WS(p))
				p++;
			if (p < n && IS_IFS(p)) {
				p++;
				while (p < n && IS_WS(p))
					p++;
			}
		} else {
			/* The last name takes the rest, less trailing IFS blanks;
			 * REPLY (no name) takes the line as it is. */
			if (nvars)
				for (end = n; end > start && IS_WS(end - 1); end--) { }
			else
				start = 0, end = n;
			p = n;
		}
		char *v = xstrndup(s + start, end - start);
		if (var_set(name, v, 0) < 0)
			st = 2;
		free(v);
	}
#undef IS_IFS
#undef IS_WS
	sb_free(&line);
	sb_free(&esc);
	return st ? st : got_nl ? 0 : 1;
}

/* ---- ulimit ------------------------------------------------------------ */

static const struct {
	char opt;
	int res;
	unsigned long unit; /* bytes per unit shown (1: a count) */
	const char *what;
} ulimits[] = {
	{'c', RLIMIT_CORE, 1024, "core file size (blocks)"},
	{'d', RLIMIT_DATA, 1024, "data seg size (kbytes)"},
	{'f', RLIMIT_FSIZE, 1024, "file size (blocks)"},
	{'l', RLIMIT_MEMLOCK, 1024, "max locked memory (kbytes)"},
	{'m', RLIMIT_RSS, 1024, "max memory size (kbytes)"},
	{'n', RLIMIT_NOFILE, 1, "open files"},
	{'q', RLIMIT_MSGQUEUE, 1, "POSIX message queues (bytes)"},
	{'s', RLIMIT_STACK, 1024, "stack size (kbytes)"},
	{'t', RLIMIT_CPU, 1, "cpu time (seconds)"},
	{'u', RLIMIT_NPROC, 1, "max user processes"},
	{'v', RLIMIT_AS, 1024, "virtual memory (kbytes)"},
};

static void ulimit_print(size_t k, bool hard, bool label)
{
	struct rlimit rl;
	if (getrlimit(ulimits[k].res, &rl) < 0)
		return;
	rlim_t v = hard ? rl.rlim_max : rl.rlim_cur;
	if (label)
		out_printf("%-32s(-%c) ", ulimits[k].what, ulimits[k].opt);
	if (v == RLIM_INFINITY)
		out_printf("unlimited\n");
	else
		out_printf("%llu\n", (unsigned long long)(v / ulimits[k].unit));
}

/* ulimit [-H|-S] [-a | -cdflmnqstuv] [LIMIT|unlimited]: as bash (sizes in
 * KiB, -c and -f in 1024-byte blocks); setting changes the soft limit, or
 * with -H the hard one, and without -H or -S both. Default: -f. */
static int bi_ulimit(int argc, char **argv)
{
	bool hard = false, soft = false, all = false;
	size_t which = 2; /* -f */
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *p = argv[i] + 1; *p; p++) {
			if (*p == 'H') {
				hard = true;
			} else if (*p == 'S') {
				soft = true;
			} else if (*p == 'a') {
				all = true;
			} else {
				size_t k = 0;
				while (k < ARRAY_LEN(ulimits) && ulimits[k].opt != *p)
					k++;
				if (k == ARRAY_LEN(ulimits)) {
					msg_err("ulimit: -%c: invalid option", *p);
					return 2;
				}
				which = k;
			}
		}
	}
	if (all) {
		for (size_t k = 0; k < ARRAY_LEN(ulimits); k++)
			ulimit_print(k, hard && !soft, true);
		return 0;
	}
	if (i >= argc) {
		ulimit_print(which, hard && !soft, false);
		return 0;
	}
	rlim_t v;
	if (strcmp(argv[i], "unlimited") == 0) {
		v = RLIM_INFINITY;
	} else {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(argv[i], &end, 10);
		if (errno || *end || !*argv[i] || argv[i][0] == '-' ||
		    n > (unsigned long long)RLIM_INFINITY / ulimits[which].unit) {
			msg_err("ulimit: %s: invalid limit", argv[i]);
			return 1;
		}
		v = (rlim_t)n * ulimits[which].unit;
	}
	struct rlimit rl;
	if (getrlimit(ulimits[which].res, &rl) < 0) {
		msg_errno("ulimit");
		return 1;
	}
	if (hard || !soft)
		rl.rlim_max = v;
	if (soft || !hard)
		rl.rlim_cur = v;
	if (setrlimit(ulimits[which].res, &rl) < 0) {
		msg_errno("ulimit: %s", ulimits[which].what);
		return 1;
	}
	return 0;
}


/* One variable as `set` lists it (ctx NULL), or as `export -p` or
 * `readonly -p` do (ctx "export" or "readonly": only those, prefixed). */
static void print_var(const char *name, const char *value, bool exported, void *ctx)
{
	const char *decl = ctx;
	if (decl && (strcmp(decl, "export") == 0 ? !exported : !var_readonly(name)))
		return;
	struct strbuf sb = {0};
	if (decl)
		sb_addf(&sb, "%s %s", decl, name);
	else
		sb_adds(&sb, name);
	if (value) {
		sb_addc(&sb, '=');
		sb_add_shquoted(&sb, value);
	}
	sb_addc(&sb, '\n');
	out_printf("%s", sb.buf);
	sb_free(&sb);
}

/* The options of `set`: a letter (0: none), the -o name, the flag. */
static const struct {
	char letter;
	const char *name;
	bool *flag;
} set_opts[] = {
	{'e', "errexit", &sh.opt_e},  {'f', "noglob", &sh.opt_f}, {'C', "noclobber", &sh.opt_C},
	{'u', "nounset", &sh.opt_u},  {'x', "xtrace", &sh.opt_x}, {0, "pipefail", &sh.opt_pipefail},
};

static int set_option(char sign, char opt, const char *name)
{
	for (size_t k = 0; k < sizeof set_opts / sizeof set_opts[0]; k++)
		if (opt == 'o' ? name && strcmp(name, set_opts[k].name) == 0
			       : opt == set_opts[k].letter) {
			*set_opts[k].flag = sign == '-';
			return 0;
		}
	if (opt == 'o')
		msg_err("set: %s: invalid option name", name ? name : "");
	else
		msg_err("set: %c%c: invalid option", sign, opt);
	return -1;
}

static int bi_set(int argc, char **argv)
{
	if (argc == 1) {
		var_each(print_var, NULL);
		return 0;
	}
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			params_set(argv + i, argc - i);
			return 0;
		}
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			break;
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'o') {
				if (i + 1 >= argc) {
					for (size_t k = 0; k < sizeof set_opts / sizeof set_opts[0]; k++)
						out_printf("%s\t%s\n", set_opts[k].name,
							   *set_opts[k].flag ? "on" : "off");
					return 0;
				}
				if (set_option(a[0], 'o', argv[++i]) < 0)
					return 2;
				break;
			}
			if (set_option(a[0], *p, NULL) < 0)
				return 2;
		}
	}
	if (i < argc)
		params_set(argv + i, argc - i);
	return 0;
}

/* export and readonly: NAME[=VALUE]... get flag; no operand (or -p) lists
 * the variables that have it. */
static int declare(int argc, char **argv, unsigned flag)
{
	const char *what = argv[0];
	int st = 0;
	int i = 1;
	if (i < argc && strcmp(argv[i], "-p") == 0)
		i++;
	if (i >= argc) {
		var_each(print_var, (void *)what);
		return 0;
	}
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (!is_name(argv[i], nl)) {
			msg_err("%s: '%s': not a valid identifier", what, argv[i]);
			st = 1;
			continue;
		}
		char *name = xstrndup(argv[i], nl);
		if (!eq && flag == VAR_EXPORT)
			var_export(name); /* an unset name stays unset, marked for export */
		else if (var_set(name, eq ? eq + 1 : NULL, flag) < 0)
			st = 1;
		free(name);
	}
	return st;
}

static int bi_export(int argc, char **argv)
{
	return declare(argc, argv, VAR_EXPORT);
}

static int bi_unset(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			continue;
		if (!is_name(argv[i], (size_t)-1)) {
			msg_err("unset: '%s': not a valid identifier", argv[i]);
			st = 1;
			continue;
		}
		if (var_unset(argv[i]) < 0)
			st = 1;
	}
	return st;
}

static int bi_readonly(int argc, char **argv)
{
	return declare(argc, argv, VAR_READONLY);
}

static int bi_shift(int argc, char **argv)
{
	long n = 1;
	if (argc > 1) {
		char *end;
		n = strtol(argv[1], &end, 10);
		if (*end || n < 0) {
			msg_err("shift: %s: numeric argument required", argv[1]);
			return 1;
		}
	}
	if (n > sh.nparams) {
		msg_err("shift: shift count out of range");
		return 1;
	}
	for (long i = 0; i < n; i++)
		free(sh.params[i]);
	memmove(sh.params, sh.params + n, (size_t)(sh.nparams - n + 1) * sizeof *sh.params);
	sh.nparams -= (int)n;
	return 0;
}

/* exec CMD ARGS: replace ipcsh (redirections were applied by the caller). */

static const char *trap_sig_name(int s)
{
	return s == 0 ? "EXIT" : sig_name(s);
}

static int bi_trap(int argc, char **argv)
{
	if (argc == 1) {
		for (int s = 0; s < NSIG; s++)
			if (sh.traps[s]) {
				struct strbuf sb = {0};
				sb_adds(&sb, "trap -- ");
				sb_add_shquoted(&sb, sh.traps[s]);
				if (!*sh.traps[s])
					sb_adds(&sb, "''");
				sb_addf(&sb, " %s\n", trap_sig_name(s));
				out_printf("%s", sb.buf);
				sb_free(&sb);
			}
		return 0;
	}
	int i = 1;
	if (strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return 0;
	const char *cmd = argv[i];
	bool reset = strcmp(cmd, "-") == 0;
	/* `trap SIG...` with a number first resets, as POSIX says. */
	if (!reset && sig_from_name(cmd) > 0 && i + 1 == argc && cmd[0] >= '0' && cmd[0] <= '9')
		reset = true, i--;
	int st = 0;
	for (i++; i < argc; i++) {
		int s = (strcmp(argv[i], "EXIT") == 0 || strcmp(argv[i], "0") == 0) ? 0 : sig_from_name(argv[i]);
		if (s < 0 || s == SIGKILL || s == SIGSTOP) {
			msg_err("trap: %s: invalid signal specification", argv[i]);
			st = 1;
			continue;
		}
		free(sh.traps[s]);
		sh.traps[s] = reset ? NULL : xstrdup(cmd);
		if (s > 0 && sig_trap(s, reset ? NULL : cmd) < 0) {
			msg_errno("trap: %s", argv[i]);
			st = 1;
		}
	}
	return st;
}


/* The flow built-ins (break, exit, eval, ...) run in the executor
 * (src/exec/flow.c), which carries their control codes; seen through this
 * table (help, or a caller outside the tree walk) they run the same code,
 * and an exit leaves the shell. */
static int bi_flow(int argc, char **argv)
{
	const struct flow_builtin *f = flow_find(argv[0]);
	struct xs r = f->fn(argc, argv);
	if (r.ctl == CTL_EXIT)
		shell_exit(r.status);
	return r.status;
}

static int bi_history(int argc, char **argv)
{
	if (builtin_history_hook)
		return builtin_history_hook(argc, argv);
	return 0; /* history is off in a non-interactive shell, as in bash */
}

static int bi_help(int argc, char **argv);

static const struct builtin table[] = {
	{".", bi_flow, ". FILE [ARG...]", "run FILE in this shell"},
	{"break", bi_flow, "break [N]", "leave the N innermost loops"},
	{"bg", bi_bg, "bg [JOB...]", "continue stopped jobs in the background"},
	{":", bi_true, ": [ARG...]", "do nothing, successfully (arguments are expanded)"},
	{"cd", bi_cd, "cd [-L|-P] [DIR|-]", "change the working directory"},
	{"command", bi_command, "command -v|-V NAME...", "say what NAME runs"},
	{"continue", bi_flow, "continue [N]", "go on with the next round of the N-th loop"},
	{"disown", bi_disown, "disown [JOB...]", "forget jobs (they keep running)"},
	{"echo", bi_echo, "echo [-neE] [ARG...]", "write arguments to standard output"},
	{"eval", bi_flow, "eval [ARG...]", "run the arguments, joined by spaces, as shell text"},
	{"exec", bi_flow, "exec [CMD [ARG...]]", "replace the shell with CMD, or apply redirections to it"},
	{"exit", bi_flow, "exit [N]", "leave the shell with status N"},
	{"export", bi_export, "export [NAME[=VALUE]...]", "export variables to commands"},
	{"false", bi_false, "false", "return 1"},
	{"fg", bi_fg, "fg [JOB]", "continue a job in the foreground"},
	{"help", bi_help, "help [NAME]", "describe built-ins"},
	{"history", bi_history, "history [N] | -c", "list or clear the command history"},
	{"jobs", bi_jobs, "jobs [-lp] [JOB...]", "list jobs"},
	{"kill", bi_kill, "kill [-SIG|-s SIG] PID|JOB... | -l [N...]", "send a signal; list or name signals"},
	{"pwd", bi_pwd, "pwd [-L|-P]", "print the working directory"},
	{"read", bi_read, "read [-r] [-p PROMPT] [NAME...]", "read a line into variables"},
	{"readonly", bi_readonly, "readonly [NAME[=VALUE]...]", "make variables readonly"},
	{"return", bi_flow, "return [N]", "leave a function or a . file with status N"},
	{"set", bi_set, "set [-+efuxC] [-+o NAME] [-- ARG...]", "set options and parameters"},
	{"shift", bi_shift, "shift [N]", "shift positional parameters"},
	{"source", bi_flow, "source FILE [ARG...]", "run FILE in this shell"},
	{"trap", bi_trap, "trap [CMD|-|''] SIG...", "run CMD on EXIT, HUP, INT, TERM"},
	{"true", bi_true, "true", "return 0"},
	{"type", bi_type, "type NAME...", "say what NAME runs"},
	{"ulimit", bi_ulimit, "ulimit [-HS] [-a|-cdflmnqstuv] [LIMIT]", "print or set resource limits"},
	{"umask", bi_umask, "umask [-S] [MODE]", "print or set the file creation mask"},
	{"unset", bi_unset, "unset NAME...", "remove variables"},
	{"wait", bi_wait, "wait [JOB|PID...]", "wait for background jobs"},
	{NULL, NULL, NULL, NULL},
};

static int bi_help(int argc, char **argv)
{
	int st = argc > 1 ? 1 : 0;
	if (argc == 1)
		out_printf("ipcsh %s: pipelines with a choice of IPC per edge (a |[shm] b |[mq:lines] c).\n"
			   "Built-ins:\n", IPCSH_VERSION);
	for (const struct builtin *b = table; b->name; b++) {
		if (argc > 1) {
			bool match = false;
			for (int i = 1; i < argc; i++)
				match |= strcmp(argv[i], b->name) == 0;
			if (!match)
				continue;
			st = 0;
		}
		out_printf("  %-48s %s\n", b->usage, b->help);
	}
	if (st)
		msg_err("help: no help topics match '%s'", argv[1]);
	return st;
}

const struct builtin *builtin_find(const char *name)
{
	for (const struct builtin *b = table; b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

const struct builtin *builtin_table(void)
{
	return table;
}
