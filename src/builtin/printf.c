/* printf.c — printf FORMAT [ARG...], as POSIX says (and bash where it
 * leaves room): the conversions d i o u x X e E f F g G a A c s b %,
 * flags, width and precision (also '*'), escapes in the format, %b's
 * escapes in its argument (\c stops everything), numbers as C constants
 * or 'c for a character's code, the format reused while arguments
 * remain. A bad number is reported (status 1) and printing goes on.
 *
 * printf runs in loops: output goes through a buffer on the stack and
 * each conversion through snprintf into a local buffer, with no heap
 * allocation unless a field is wider than that buffer. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "internal.h"

struct out {
	char buf[4096];
	size_t len;
	bool failed;     /* a write failed: stop writing */
};

static void out_flush(struct out *o)
{
	if (o->len && !o->failed && bi_out(o->buf, o->len) < 0)
		o->failed = true;
	o->len = 0;
}

static void out_add(struct out *o, const char *s, size_t n)
{
	while (n) {
		if (o->len == sizeof o->buf)
			out_flush(o);
		size_t k = sizeof o->buf - o->len;
		if (k > n)
			k = n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

static void out_c(struct out *o, char c)
{
	out_add(o, &c, 1);
}

/* One backslash escape at *s (after the backslash): its byte in *c.
 * in_b: %b's rules (\0ddd octal, \c is reported by returning 2); else
 * the format's (\ddd, and \xHH as bash). Returns 1, or 0 if the escape
 * is not one (the backslash is then literal). Advances *s. */
static int escape(const char **s, char *c, bool in_b)
{
	const char *p = *s;
	int v = 0, k = 0;
	switch (*p) {
	case 'a': *c = '\a'; break;
	case 'b': *c = '\b'; break;
	case 'e': *c = 27; break;
	case 'f': *c = '\f'; break;
	case 'n': *c = '\n'; break;
	case 'r': *c = '\r'; break;
	case 't': *c = '\t'; break;
	case 'v': *c = '\v'; break;
	case '\\': *c = '\\'; break;
	case '"':
	case '\'':
		if (in_b)
			return 0; /* %b keeps the backslash (bash) */
		*c = *p;
		break;
	case 'c':
		if (!in_b)
			return 0;
		*s = p + 1;
		return 2;
	case 'x':
		while (k < 2 && strchr("0123456789abcdefABCDEF", p[1 + k]) && p[1 + k]) {
			char h = p[1 + k];
			v = v * 16 + (h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
			k++;
		}
		if (!k)
			return 0;
		*c = (char)v;
		*s = p + 1 + k;
		return 1;
	default:
		if (*p < '0' || *p > '7')
			return 0;
		if (in_b && *p == '0')
			p++; /* \0ddd */
		while (k < 3 && *p >= '0' && *p <= '7')
			v = v * 8 + (*p++ - '0'), k++;
		*c = (char)v;
		*s = p;
		return 1;
	}
	*s = p + 1;
	return 1;
}

/* Copy s to the output with %b's escapes; returns false after \c. */
static bool put_b(struct out *o, const char *s, int prec, int width, bool left)
{
	/* Expand first (into a stack buffer, growing only for long text),
	 * so that width and precision apply to the result. */
	char small[256], *buf = small;
	size_t cap = sizeof small, n = 0;
	bool more = true;
	for (; *s; s++) {
		char c = *s;
		if (c == '\\' && s[1]) {
			const char *q = s + 1;
			int r = escape(&q, &c, true);
			if (r == 2) {
				more = false;
				break;
			}
			if (r)
				s = q - 1;
		}
		if (n == cap) {
			char *nb = xmalloc(cap * 2);
			memcpy(nb, buf, n);
			if (buf != small)
				free(buf);
			buf = nb;
			cap *= 2;
		}
		buf[n++] = c;
	}
	if (prec >= 0 && (size_t)prec < n)
		n = (size_t)prec;
	size_t pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;
	for (size_t k = 0; !left && k < pad; k++)
		out_c(o, ' ');
	out_add(o, buf, n);
	for (size_t k = 0; left && k < pad; k++)
		out_c(o, ' ');
	if (buf != small)
		free(buf);
	return more;
}

struct args {
	char **v;
	int n, i;
	bool used;   /* an argument was consumed by this pass of the format */
	int status;
};

static const char *next_arg(struct args *a)
{
	if (a->i >= a->n)
		return NULL;
	a->used = true;
	return a->v[a->i++];
}

/* Report a number that was not read whole (end: where strto* stopped)
 * or out of range (errno ERANGE); printing goes on, the status is 1. */
static void number_check(struct args *a, const char *s, const char *end)
{
	if (*end || end == s)
		msg_err("printf: %s: invalid number", s);
	else if (errno == ERANGE)
		msg_err("printf: %s: %s", s, strerror(ERANGE));
	else
		return;
	a->status = 1;
}

/* A numeric argument: a C constant (sign, 0x, 0 octal) or 'c / "c for
 * the code of c. A bad one is reported (status 1) and what was read of it
 * is used, as bash and dash do. */
static intmax_t arg_int(struct args *a, bool *unsig, uintmax_t *u)
{
	const char *s = next_arg(a);
	*unsig = false;
	if (!s || !*s)
		return 0;
	if (*s == '\'' || *s == '"')
		return (unsigned char)s[1];
	char *end;
	errno = 0;
	intmax_t v;
	const char *t = s;
	while (*t == ' ' || *t == '\t')
		t++;
	if (*t == '-' || *t == '+') {
		v = strtoimax(s, &end, 0);
	} else {
		*u = strtoumax(s, &end, 0);
		*unsig = true;
		v = (intmax_t)*u;
	}
	number_check(a, s, end);
	return v;
}

static long double arg_float(struct args *a)
{
	const char *s = next_arg(a);
	if (!s || !*s)
		return 0;
	if (*s == '\'' || *s == '"')
		return (unsigned char)s[1];
	char *end;
	errno = 0;
	long double v = strtold(s, &end);
	number_check(a, s, end);
	return v;
}

/* A '*' width or precision: an int argument. */
static int arg_star(struct args *a)
{
	bool unsig;
	uintmax_t u = 0;
	intmax_t v = arg_int(a, &unsig, &u);
	if (unsig)
		v = u > INT32_MAX ? INT32_MAX : (intmax_t)u;
	return v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : (int)v;
}

/* snprintf of one value through spec (a C format of one conversion)
 * into the output; the buffer grows only for a huge field. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void put_fmt(struct out *o, const char *spec, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, spec);
	int n = vsnprintf(small, sizeof small, spec, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		out_add(o, small, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, spec);
	vsnprintf(big, (size_t)n + 1, spec, ap);
	va_end(ap);
	out_add(o, big, (size_t)n);
	free(big);
}
#pragma GCC diagnostic pop

/* A conversion's specification, rendered as a C format ("%-5.2") and
 * its parts. */
struct conv {
	char spec[64];
	size_t n;
	int width, prec; /* -1: none */
	bool left;
	char c;          /* the conversion letter (0: the format ended) */
};

/* Read flags, width, precision (from arguments for '*'), length
 * modifiers and the letter at *fp (just after '%'); advance *fp. */
static void conv_parse(const char **fp, struct args *a, struct conv *cv)
{
	const char *f = *fp;
	cv->n = 0;
	cv->spec[cv->n++] = '%';
	cv->left = false;
	for (; *f && strchr("-+ #0", *f); f++) {
		if (*f == '-')
			cv->left = true;
		else if (cv->n < 8)
			cv->spec[cv->n++] = *f;
	}
	cv->width = cv->prec = -1;
	if (*f == '*') {
		int w = arg_star(a);
		cv->left |= w < 0; /* a negative width is the '-' flag */
		cv->width = w < 0 ? -w : w;
		f++;
	} else if (*f >= '1' && *f <= '9') {
		cv->width = (int)strtol(f, (char **)&f, 10);
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			cv->prec = arg_star(a);
			f++;
		} else {
			cv->prec = (int)strtol(f, (char **)&f, 10);
		}
	}
	while (*f && strchr("hlLjzt", *f))
		f++; /* length modifiers: every number is intmax_t here */
	cv->c = *f;
	*fp = f + (*f != 0);
	if (cv->left)
		cv->spec[cv->n++] = '-';
	if (cv->width >= 0)
		cv->n += (size_t)snprintf(cv->spec + cv->n, sizeof cv->spec - cv->n, "%d", cv->width);
	if (cv->prec >= 0)
		cv->n += (size_t)snprintf(cv->spec + cv->n, sizeof cv->spec - cv->n, ".%d", cv->prec);
}

/* Finish the C format with its length and letter ("j", 'd' -> "%5jd"). */
static const char *conv_spec(struct conv *cv, const char *len, char c)
{
	snprintf(cv->spec + cv->n, sizeof cv->spec - cv->n, "%s%c", len, c);
	return cv->spec;
}

/* %c: the first byte of the argument; an empty argument is a NUL byte
 * (padded as one character), no argument nothing. */
static void put_char(struct out *o, struct conv *cv, const char *s)
{
	char one[2] = {s ? *s : 0, 0};
	if (one[0]) {
		put_fmt(o, conv_spec(cv, "", 's'), one);
		return;
	}
	int pad = cv->width > 1 ? cv->width - 1 : 0;
	for (int k = 0; !cv->left && k < pad; k++)
		out_c(o, ' ');
	if (s)
		out_c(o, '\0');
	for (int k = 0; cv->left && k < pad; k++)
		out_c(o, ' ');
}

/* One conversion at *fp (just after '%'). Returns 0, 1 to stop the whole
 * printf quietly (\c in %b), -1 after a message (bad conversion). */
static int convert(struct out *o, const char **fp, struct args *a)
{
	struct conv cv;
	conv_parse(fp, a, &cv);
	bool unsig;
	uintmax_t u = 0;
	switch (cv.c) {
	case 'd':
	case 'i': {
		intmax_t v = arg_int(a, &unsig, &u);
		if (unsig && u > INTMAX_MAX)
			v = INTMAX_MAX; /* clamped, as bash and dash */
		put_fmt(o, conv_spec(&cv, "j", cv.c), v);
		return 0;
	}
	case 'o': case 'u': case 'x': case 'X': {
		intmax_t v = arg_int(a, &unsig, &u);
		put_fmt(o, conv_spec(&cv, "j", cv.c), unsig ? u : (uintmax_t)v);
		return 0;
	}
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
		put_fmt(o, conv_spec(&cv, "L", cv.c), arg_float(a));
		return 0;
	case 'c':
		put_char(o, &cv, next_arg(a));
		return 0;
	case 's': {
		const char *s = next_arg(a);
		put_fmt(o, conv_spec(&cv, "", 's'), s ? s : "");
		return 0;
	}
	case 'b': {
		const char *s = next_arg(a);
		return put_b(o, s ? s : "", cv.prec, cv.width, cv.left) ? 0 : 1;
	}
	case '%':
		out_c(o, '%');
		return 0;
	default:
		if (cv.c)
			msg_err("printf: '%c': invalid format character", cv.c);
		else
			msg_err("printf: missing format character");
		return -1;
	}
}

int bi_printf(int argc, char **argv)
{
	struct bopt g = BOPT_INIT;
	if (builtin_getopt(&g, argc, argv, "") != -1)
		return 2;
	if (g.ind >= argc) {
		msg_err("printf: usage: printf FORMAT [ARG...]");
		return 2;
	}
	const char *format = argv[g.ind];
	struct args a = {argv + g.ind + 1, argc - g.ind - 1, 0, false, 0};
	struct out o;
	o.len = 0;
	o.failed = false;
	int stop = 0;
	do {
		a.used = false;
		for (const char *f = format; *f && !stop;) {
			if (*f == '%') {
				f++;
				stop = convert(&o, &f, &a);
			} else if (*f == '\\') {
				char c;
				const char *q = f + 1;
				if (escape(&q, &c, false)) {
					out_c(&o, c);
					f = q;
				} else {
					out_c(&o, *f++);
				}
			} else {
				const char *e = f + strcspn(f, "%\\");
				out_add(&o, f, (size_t)(e - f));
				f = e;
			}
		}
	} while (!stop && a.used && a.i < a.n);
	out_flush(&o);
	if (o.failed) {
		msg_errno("printf: write error");
		return 1;
	}
	return stop < 0 ? 1 : a.status;
}
