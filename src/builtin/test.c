/* test.c — test and [, as POSIX says: 0 to 4 arguments by its table
 * (so `[ "$x" = -n ]` and `[ ! -n "" ]` mean what they say), more by a
 * recursive-descent parser over ! ( ) -a -o as bash; every file test;
 * string (= == != < >) and integer (-eq -ne -lt -le -gt -ge) comparisons;
 * -nt -ot -ef as bash. No allocation: `[` runs in loops. Status 0 true,
 * 1 false, 2 after a message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../exec/shell.h"
#include "../util/util.h"
#include "internal.h"

struct tst {
	char **v;       /* the operands */
	int n, i;       /* count, next */
	const char *who; /* "test" or "[" for messages */
	bool err;
};

/* Report the first error: fmt takes the built-in's name and arg. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int fail(struct tst *t, const char *fmt, const char *arg)
{
	if (!t->err)
		msg_err(fmt, t->who, arg);
	t->err = true;
	return 0;
}
#pragma GCC diagnostic pop

static bool is_unary(const char *op)
{
	return op[0] == '-' && op[1] && !op[2] && strchr("bcdefghknprstuvwxzGLNOS", op[1]);
}

enum { B_NONE, B_STR, B_INT, B_FILE };

static int binary_kind(const char *op)
{
	static const char *const str[] = {"=", "==", "!=", "<", ">"};
	static const char *const num[] = {"-eq", "-ne", "-lt", "-le", "-gt", "-ge"};
	static const char *const file[] = {"-nt", "-ot", "-ef"};
	for (size_t k = 0; k < ARRAY_LEN(str); k++)
		if (strcmp(op, str[k]) == 0)
			return B_STR;
	for (size_t k = 0; k < ARRAY_LEN(num); k++)
		if (strcmp(op, num[k]) == 0)
			return B_INT;
	for (size_t k = 0; k < ARRAY_LEN(file); k++)
		if (strcmp(op, file[k]) == 0)
			return B_FILE;
	return B_NONE;
}

static bool unary(struct tst *t, const char *op, const char *arg)
{
	struct stat st;
	char o = op[1];
	switch (o) {
	case 'n': return *arg != '\0';
	case 'z': return *arg == '\0';
	case 'v': return var_get(arg) != NULL;
	case 't': {
		char *end;
		errno = 0;
		long fd = strtol(arg, &end, 10);
		if (!*arg || *end || errno || fd < 0 || fd > INT32_MAX)
			return fail(t, "%s: %s: integer expression expected", arg);
		return isatty((int)fd);
	}
	case 'r': return access(arg, R_OK) == 0;
	case 'w': return access(arg, W_OK) == 0;
	case 'x': return access(arg, X_OK) == 0;
	default: break;
	}
	if ((o == 'h' || o == 'L') ? lstat(arg, &st) < 0 : stat(arg, &st) < 0)
		return false;
	switch (o) {
	case 'b': return S_ISBLK(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'e': return true;
	case 'f': return S_ISREG(st.st_mode);
	case 'g': return st.st_mode & S_ISGID;
	case 'h':
	case 'L': return S_ISLNK(st.st_mode);
	case 'k': return st.st_mode & S_ISVTX;
	case 'p': return S_ISFIFO(st.st_mode);
	case 's': return st.st_size > 0;
	case 'S': return S_ISSOCK(st.st_mode);
	case 'u': return st.st_mode & S_ISUID;
	case 'G': return st.st_gid == getegid();
	case 'O': return st.st_uid == geteuid();
	case 'N': return st.st_mtim.tv_sec > st.st_atim.tv_sec ||
			 (st.st_mtim.tv_sec == st.st_atim.tv_sec && st.st_mtim.tv_nsec > st.st_atim.tv_nsec);
	default: return false;
	}
}

/* An integer operand: optional blanks and sign, decimal digits. */
static long long integer(struct tst *t, const char *s)
{
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	char *end;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == p || *end || errno || (*p != '-' && *p != '+' && (*p < '0' || *p > '9')))
		return fail(t, "%s: %s: integer expression expected", s);
	return v;
}

/* -nt / -ot: by modification time; a missing file is older than any. */
static int mtime_cmp(const char *a, const char *b)
{
	struct stat sa, sb;
	bool ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
	if (!ha || !hb)
		return ha - hb;
	if (sa.st_mtim.tv_sec != sb.st_mtim.tv_sec)
		return sa.st_mtim.tv_sec < sb.st_mtim.tv_sec ? -1 : 1;
	return (sa.st_mtim.tv_nsec > sb.st_mtim.tv_nsec) - (sa.st_mtim.tv_nsec < sb.st_mtim.tv_nsec);
}

static bool binary(struct tst *t, const char *a, const char *op, const char *b)
{
	switch (binary_kind(op)) {
	case B_STR: {
		int c = strcmp(a, b);
		return op[0] == '=' ? c == 0 : op[0] == '!' ? c != 0 : op[0] == '<' ? c < 0 : c > 0;
	}
	case B_INT: {
		long long x = integer(t, a), y = integer(t, b);
		const char *o = op + 1;
		return o[0] == 'e' ? x == y : o[0] == 'n' ? x != y : o[0] == 'l' ? (o[1] == 't' ? x < y : x <= y)
								     : (o[1] == 't' ? x > y : x >= y);
	}
	case B_FILE: {
		if (op[1] == 'e') {
			struct stat sa, sb;
			return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
			       sa.st_ino == sb.st_ino;
		}
		int c = mtime_cmp(a, b);
		return op[1] == 'n' ? c > 0 : c < 0;
	}
	default:
		return fail(t, "%s: %s: binary operator expected", op);
	}
}

/* The general grammar (more than 4 operands, and inside parentheses):
 *   or := and { -o and };  and := not { -a not };
 *   not := '!' not | primary;  primary := '(' or ')' | UNOP W | W BINOP W | W */
static bool t_or(struct tst *t);

static const char *peek(struct tst *t, int k)
{
	return t->i + k < t->n ? t->v[t->i + k] : NULL;
}

static bool t_primary(struct tst *t)
{
	const char *a = peek(t, 0);
	if (!a)
		return fail(t, "%s: argument expected%s", "");
	if (strcmp(a, "(") == 0 && peek(t, 1)) {
		t->i++;
		bool r = t_or(t);
		if (!peek(t, 0) || strcmp(peek(t, 0), ")") != 0)
			return fail(t, "%s: ')' expected%s", "");
		t->i++;
		return r;
	}
	const char *op = peek(t, 1);
	if (op && binary_kind(op) != B_NONE && peek(t, 2)) {
		t->i += 3;
		return binary(t, a, op, t->v[t->i - 1]);
	}
	if (is_unary(a) && op) {
		t->i += 2;
		return unary(t, a, op);
	}
	t->i++;
	return *a != '\0';
}

static bool t_not(struct tst *t)
{
	const char *a = peek(t, 0);
	if (a && strcmp(a, "!") == 0 && peek(t, 1)) {
		t->i++;
		return !t_not(t);
	}
	return t_primary(t);
}

static bool t_and(struct tst *t)
{
	bool r = t_not(t);
	while (peek(t, 0) && strcmp(peek(t, 0), "-a") == 0) {
		t->i++;
		r = t_not(t) && r;
	}
	return r;
}

static bool t_or(struct tst *t)
{
	bool r = t_and(t);
	while (peek(t, 0) && strcmp(peek(t, 0), "-o") == 0) {
		t->i++;
		r = t_and(t) || r;
	}
	return r;
}

/* POSIX's table for n operands from v (n <= 4); -1: use the grammar. */
static int posix_table(struct tst *t, char **v, int n)
{
	bool bang = n > 0 && strcmp(v[0], "!") == 0;
	switch (n) {
	case 0: return 0;
	case 1: return *v[0] != '\0';
	case 2:
		if (bang)
			return *v[1] == '\0';
		if (is_unary(v[0]))
			return unary(t, v[0], v[1]);
		return fail(t, "%s: %s: unary operator expected", v[0]);
	case 3:
		if (binary_kind(v[1]) != B_NONE)
			return binary(t, v[0], v[1], v[2]);
		if (strcmp(v[1], "-a") == 0)
			return *v[0] && *v[2];
		if (strcmp(v[1], "-o") == 0)
			return *v[0] || *v[2];
		if (bang)
			return !posix_table(t, v + 1, 2);
		if (strcmp(v[0], "(") == 0 && strcmp(v[2], ")") == 0)
			return *v[1] != '\0';
		return fail(t, "%s: %s: binary operator expected", v[1]);
	case 4:
		if (bang)
			return !posix_table(t, v + 1, 3);
		if (strcmp(v[0], "(") == 0 && strcmp(v[3], ")") == 0)
			return posix_table(t, v + 1, 2);
		return -1;
	default:
		return -1;
	}
}

static int run_test(const char *who, char **v, int n)
{
	struct tst t = {v, n, 0, who, false};
	int r = posix_table(&t, v, n);
	if (r < 0 && !t.err) {
		r = t_or(&t);
		if (!t.err && t.i < n)
			fail(&t, "%s: %s: too many arguments", v[t.i]);
	}
	return t.err ? 2 : r ? 0 : 1;
}

int bi_test(int argc, char **argv)
{
	return run_test("test", argv + 1, argc - 1);
}

int bi_bracket(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
		msg_err("[: missing ']'");
		return 2;
	}
	return run_test("[", argv + 1, argc - 2);
}
