/* arith.c — arithmetic expansion $(( )) (POSIX 2.6.4), evaluated after the
 * text inside has been through parameter expansion, command substitution
 * and quote removal (src/exec/expand.c).
 *
 * Signed long arithmetic with C's operators and precedence: ( ) unary
 * + - ! ~, ** (bash), * / %, + -, << >>, < <= > >=, == !=, &, ^, |, &&,
 * ||, ?:, and the assignments = *= /= %= += -= <<= >>= &= ^= |=. A variable named in the
 * expression is read as an integer constant (unset or empty: 0), or, when
 * its value is not one, evaluated as an expression itself (as bash). Overflow
 * wraps (two's complement) instead of being undefined; division by zero is
 * an error. && || and ?: do not evaluate what they skip: no assignment, no
 * division-by-zero error there. A recursive-descent parser over the string,
 * its nesting bounded. */
#include "arith.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

#define ARITH_MAX_DEPTH 200

struct ax {
	const char *s;
	size_t i;
	int depth;
	int noeval;          /* > 0: inside a branch that is skipped */
	struct errbuf *e;
	bool failed;
};

static long expr_assign(struct ax *x);
static long expr_comma(struct ax *x);

/* The first error wins: "MSG", "MSG near 'TEXT'" or "NAME: MSG". */
static void fail3(struct ax *x, const char *name, const char *msg, const char *near)
{
	if (!x->failed) {
		if (name)
			errbuf_set(x->e, "%s: %s", name, msg);
		else if (near)
			errbuf_set(x->e, "%s near '%.20s'", msg, near);
		else
			errbuf_set(x->e, "%s", msg);
	}
	x->failed = true;
}

static void fail(struct ax *x, const char *msg)
{
	fail3(x, NULL, msg, NULL);
}

static void blanks(struct ax *x)
{
	while (x->s[x->i] == ' ' || x->s[x->i] == '\t' || x->s[x->i] == '\n')
		x->i++;
}

/* Is the next token the operator op (and not a longer one)? Consumes it. */
static bool take(struct ax *x, const char *op)
{
	blanks(x);
	if (x->s[x->i] != op[0]) /* the usual answer, at once */
		return false;
	size_t n = strlen(op);
	if (strncmp(x->s + x->i, op, n) != 0)
		return false;
	char c = x->s[x->i + n];
	/* '<' is not '<<' or '<=', '&' is not '&&' or '&=', ... */
	if (n == 1 && (c == op[0] || c == '=') && strchr("<>&|*/%+-^", op[0]))
		return false;
	if (n == 2 && c == '=' && (strcmp(op, "<<") == 0 || strcmp(op, ">>") == 0))
		return false;
	x->i += n;
	return true;
}

static long wrap_add(long a, long b) { return (long)((unsigned long)a + (unsigned long)b); }
static long wrap_sub(long a, long b) { return (long)((unsigned long)a - (unsigned long)b); }
static long wrap_mul(long a, long b) { return (long)((unsigned long)a * (unsigned long)b); }

/* a OP b for the binary operators that can also be assignments. */
static long apply(struct ax *x, const char *op, long a, long b)
{
	switch (op[0]) {
	case '*': return wrap_mul(a, b);
	case '+': return wrap_add(a, b);
	case '-': return wrap_sub(a, b);
	case '&': return a & b;
	case '^': return a ^ b;
	case '|': return a | b;
	case '<': return (long)((unsigned long)a << (b & 63));
	case '>': return a >> (b & 63);
	default: /* '/' '%' */
		if (b == 0) {
			if (!x->noeval)
				fail(x, "division by zero");
			return 0;
		}
		if (a == LONG_MIN && b == -1)
			return op[0] == '/' ? LONG_MIN : 0;
		return op[0] == '/' ? a / b : a % b;
	}
}

/* An integer constant: decimal, 0x hex, 0 octal. Returns the length used
 * (0: none). */
static size_t number(const char *s, long *out)
{
	int base = 10;
	size_t i = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
		base = 16;
		i = 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	if (!(base == 16 ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])))
		return 0;
	unsigned long v = 0;
	for (;; i++) {
		int d;
		char c = s[i];
		if (isdigit((unsigned char)c))
			d = c - '0';
		else if (base == 16 && isxdigit((unsigned char)c))
			d = tolower((unsigned char)c) - 'a' + 10;
		else
			break;
		if (d >= base)
			return 0;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (isalnum((unsigned char)s[i]) || s[i] == '_')
		return 0;
	*out = (long)v;
	return i;
}

/* A variable's value as an integer: unset or empty is 0. */
static long var_number(struct ax *x, const char *name)
{
	const char *v = var_get(name);
	if (!v)
		return 0;
	while (*v == ' ' || *v == '\t' || *v == '\n')
		v++;
	if (!*v)
		return 0;
	bool neg = *v == '-';
	if (*v == '-' || *v == '+')
		v++;
	long n;
	size_t used = number(v, &n);
	const char *end = v + used;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (used && !*end)
		return neg ? wrap_sub(0, n) : n;
	/* As bash: a value that is not a number is an expression itself
	 * (x=1+2; $((x)) is 3), evaluated with the nesting bound shared. */
	if (x->depth + ARITH_MAX_DEPTH / 8 > ARITH_MAX_DEPTH) {
		fail3(x, name, "expression recursion level exceeded", NULL);
		return 0;
	}
	/* a copy: the expression may assign to the variable it came from */
	char *text = xstrdup(var_get(name));
	struct ax sub = {.s = text, .depth = x->depth + ARITH_MAX_DEPTH / 8,
			 .noeval = x->noeval, .e = x->e};
	long r = expr_assign(&sub);
	blanks(&sub);
	if (!sub.failed && sub.s[sub.i])
		fail3(&sub, name, "not a number", NULL);
	free(text);
	if (sub.failed) {
		x->failed = true;
		return 0;
	}
	return r;
}

/* ++name, --name, name++, name-- (bash; POSIX leaves them optional): the
 * variable changes by delta; the value is the new one, or the old (post). */
static long incdec(struct ax *x, const char *name, int delta, bool post)
{
	long old = var_number(x, name);
	long v = delta > 0 ? (long)((unsigned long)old + 1u) : wrap_sub(old, 1);
	if (!x->failed && !x->noeval) {
		char buf[32];
		fmt_long(buf, v);
		if (var_set(name, buf, 0) < 0)
			fail3(x, name, "cannot assign", NULL);
	}
	return post ? old : v;
}

/* A name at x->i (n bytes) into buf; false after a message. */
static bool take_name(struct ax *x, size_t n, char *buf, size_t len)
{
	if (n >= len) {
		fail(x, "name too long");
		return false;
	}
	memcpy(buf, x->s + x->i, n);
	buf[n] = '\0';
	x->i += n;
	return true;
}

static long primary(struct ax *x)
{
	blanks(x);
	const char *p = x->s + x->i;
	if (*p == '(') {
		x->i++;
		long v = expr_comma(x);
		if (!take(x, ")"))
			fail(x, "missing ')'");
		return v;
	}
	long v;
	size_t n = number(p, &v);
	if (n) {
		x->i += n;
		return v;
	}
	n = name_prefix(p);
	if (n) {
		char name[256];
		if (!take_name(x, n, name, sizeof name))
			return 0;
		const char *q = x->s + x->i;
		if ((q[0] == '+' || q[0] == '-') && q[1] == q[0]) {
			x->i += 2;
			return incdec(x, name, q[0] == '+' ? 1 : -1, true);
		}
		return var_number(x, name);
	}
	fail3(x, NULL, *p ? "syntax error" : "operand expected", *p ? p : NULL);
	return 0;
}

static long unary(struct ax *x)
{
	if (++x->depth > ARITH_MAX_DEPTH) {
		fail(x, "expression nested too deeply");
		return 0;
	}
	long v;
	blanks(x);
	char c = x->s[x->i];
	size_t n;
	if ((c == '+' || c == '-') && x->s[x->i + 1] == c) {
		/* ++name, --name; "- -1" and "-(-1)" stay negations */
		size_t j = x->i + 2;
		while (x->s[j] == ' ' || x->s[j] == '\t' || x->s[j] == '\n')
			j++;
		if ((n = name_prefix(x->s + j))) {
			char name[256];
			x->i = j;
			v = take_name(x, n, name, sizeof name) ? incdec(x, name, c == '+' ? 1 : -1, false) : 0;
			x->depth--;
			return v;
		}
	}
	if ((c == '+' || c == '-') && x->s[x->i + 1] != '=') {
		x->i++;
		v = unary(x);
		v = c == '-' ? wrap_sub(0, v) : v;
	} else if (c == '!' && x->s[x->i + 1] != '=') {
		x->i++;
		v = !unary(x);
	} else if (c == '~') {
		x->i++;
		v = ~unary(x);
	} else {
		v = primary(x);
	}
	x->depth--;
	return v;
}

/* a ** b (bash): right-associative, tighter than '*', looser than the
 * unary operators (-2 ** 2 is 4); wraps around like the others. */
static long power(struct ax *x)
{
	long a = unary(x);
	if (x->failed || !take(x, "**"))
		return a;
	if (++x->depth > ARITH_MAX_DEPTH) {
		fail(x, "expression nested too deeply");
		return 0;
	}
	long b = power(x);
	x->depth--;
	if (b < 0) {
		if (!x->noeval)
			fail(x, "exponent less than 0");
		return 0;
	}
	long r = 1;
	for (; b; b >>= 1, a = wrap_mul(a, a))
		if (b & 1)
			r = wrap_mul(r, a);
	return r;
}

/* The left-associative binary operators between ** and &&, with their
 * precedence (higher binds tighter). */
static const struct binop {
	const char *op;
	int prec;
} binops[] = {
	{"*", 10}, {"/", 10}, {"%", 10}, {"+", 9}, {"-", 9}, {"<<", 8}, {">>", 8},
	{"<", 7}, {"<=", 7}, {">", 7}, {">=", 7}, {"==", 6}, {"!=", 6}, {"&", 5}, {"^", 4},
	{"|", 3},
};

/* The binary operator at the current position, or NULL: one look at the
 * next characters instead of trying each operator in turn (shell loops
 * spend their time here). Not '&&', '||', '**' or an assignment such as
 * '+='; those belong to other rules. */
static const struct binop *peek_binop(struct ax *x)
{
	blanks(x);
	const char *s = x->s + x->i;
	char c = s[0], d = c ? s[1] : '\0';
	int k;
	switch (c) {
	case '*': k = d == '*' || d == '=' ? -1 : 0; break;
	case '/': k = d == '=' ? -1 : 1; break;
	case '%': k = d == '=' ? -1 : 2; break;
	case '+': k = d == '+' || d == '=' ? -1 : 3; break;
	case '-': k = d == '-' || d == '=' ? -1 : 4; break;
	case '<': k = d == '<' ? (s[2] == '=' ? -1 : 5) : d == '=' ? 8 : 7; break;
	case '>': k = d == '>' ? (s[2] == '=' ? -1 : 6) : d == '=' ? 10 : 9; break;
	case '=': k = d == '=' ? 11 : -1; break;
	case '!': k = d == '=' ? 12 : -1; break;
	case '&': k = d == '&' || d == '=' ? -1 : 13; break;
	case '^': k = d == '=' ? -1 : 14; break;
	case '|': k = d == '|' || d == '=' ? -1 : 15; break;
	default: k = -1; break;
	}
	return k < 0 ? NULL : &binops[k];
}

/* Precedence climbing over binops: operands of at least min_prec. */
static long binary(struct ax *x, int min_prec)
{
	long a = power(x);
	for (;;) {
		const struct binop *b = x->failed ? NULL : peek_binop(x);
		if (!b || b->prec < min_prec)
			return a;
		x->i += strlen(b->op);
		long v = binary(x, b->prec + 1);
		const char *op = b->op;
		if (op[0] == '<' && op[1] != '<')
			a = op[1] ? a <= v : a < v;
		else if (op[0] == '>' && op[1] != '>')
			a = op[1] ? a >= v : a > v;
		else if (op[0] == '=')
			a = a == v;
		else if (op[0] == '!')
			a = a != v;
		else
			a = apply(x, op, a, v);
	}
}

#define TOP_BINARY 3

static long logic_and(struct ax *x)
{
	long a = binary(x, TOP_BINARY);
	while (take(x, "&&") && !x->failed) {
		x->noeval += !a;
		long b = binary(x, TOP_BINARY);
		x->noeval -= !a;
		a = a && b;
	}
	return a;
}

static long logic_or(struct ax *x)
{
	long a = logic_and(x);
	while (take(x, "||") && !x->failed) {
		x->noeval += !!a;
		long b = logic_and(x);
		x->noeval -= !!a;
		a = a || b;
	}
	return a;
}

static long ternary(struct ax *x)
{
	long c = logic_or(x);
	if (!take(x, "?"))
		return c;
	x->noeval += !c;
	long a = expr_assign(x);
	x->noeval -= !c;
	if (!take(x, ":")) {
		fail(x, "missing ':' after '?'");
		return 0;
	}
	x->noeval += !!c;
	long b = ternary(x);
	x->noeval -= !!c;
	return c ? a : b;
}

/* The length of the assignment operator at s (=, +=, <<=, ...; not ==),
 * or 0. */
static size_t assign_op(const char *s)
{
	if (s[0] == '=')
		return s[1] == '=' ? 0 : 1;
	if (s[0] && strchr("*/%+-&^|", s[0]) && s[1] == '=' && s[2] != '=')
		return 2;
	if ((s[0] == '<' || s[0] == '>') && s[1] == s[0] && s[2] == '=' && s[3] != '=')
		return 3;
	return 0;
}

static long expr_assign(struct ax *x)
{
	if (++x->depth > ARITH_MAX_DEPTH) {
		fail(x, "expression nested too deeply");
		return 0;
	}
	blanks(x);
	size_t start = x->i, n = name_prefix(x->s + x->i);
	if (n) {
		x->i += n;
		blanks(x);
		size_t ol = assign_op(x->s + x->i);
		if (ol) {
			const char *op = x->s + x->i;
			x->i += ol;
			char name[256];
			if (n >= sizeof name) {
				fail(x, "name too long");
				return 0;
			}
			memcpy(name, x->s + start, n);
			name[n] = '\0';
			long v = expr_assign(x);
			if (ol > 1) {
				char bop[3] = {op[0], ol == 3 ? op[1] : '\0', '\0'};
				v = apply(x, bop, var_number(x, name), v);
			}
			if (!x->failed && !x->noeval) {
				char buf[32];
				fmt_long(buf, v);
				if (var_set(name, buf, 0) < 0)
					fail3(x, name, "cannot assign", NULL);
			}
			x->depth--;
			return v;
		}
		x->i = start;
	}
	long v = ternary(x);
	x->depth--;
	return v;
}

/* a, b: both evaluated, the value is b's (bash's comma operator). */
static long expr_comma(struct ax *x)
{
	long v = expr_assign(x);
	while (!x->failed && take(x, ","))
		v = expr_assign(x);
	return v;
}

int arith_eval(const char *expr, long *out, struct errbuf *e)
{
	struct ax x = {.s = expr, .e = e};
	long v = expr_comma(&x);
	blanks(&x);
	if (!x.failed && x.s[x.i])
		fail3(&x, NULL, "syntax error", x.s + x.i);
	if (x.failed)
		return -1;
	*out = v;
	return 0;
}
