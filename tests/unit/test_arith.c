/* test_arith.c — arithmetic expansion's evaluator (src/exec/arith.c):
 * precedence, bases, wrap-around, short-circuits that skip side effects
 * and errors, assignments, and rejection of bad input. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "exec/arith.h"
#include "exec/shell.h"
#include "tap.h"

static void is(const char *expr, long want)
{
	long v = 0;
	struct errbuf e = {{0}};
	int r = arith_eval(expr, &v, &e);
	TAP_OK(r == 0 && v == want, "$((%s)) = %ld (got %ld%s%s)", expr, want, v, r ? ", " : "",
	       r ? e.msg : "");
}

static void err(const char *expr, const char *msg)
{
	long v = 0;
	struct errbuf e = {{0}};
	int r = arith_eval(expr, &v, &e);
	TAP_OK(r < 0 && strstr(e.msg, msg), "$((%s)) fails: %s (got '%s')", expr, msg, e.msg);
}

int main(void)
{
	is("1+2*3", 7);
	is("(1+2)*3", 9);
	is(" 7 / 2 ", 3);
	is("-7 % 3", -1);
	is("2 - 1 - 1", 0);
	is("1 << 4 >> 2", 4);
	is("0x1F + 010 + 9", 31 + 8 + 9);
	is("1 < 2 == 1", 1);
	is("5 & 3 | 8 ^ 1", (5 & 3) | (8 ^ 1));
	is("!0 + !5 + ~0", 1 + 0 - 1);
	is("- -3", 3);
	is("1 ? 2 : 3", 2);
	is("0 ? 2 : 0 ? 3 : 4", 4);
	is("9223372036854775807 + 1", LONG_MIN);
	is("-9223372036854775807 - 1", LONG_MIN);
	is("(-9223372036854775807 - 1) / -1", LONG_MIN);
	is("(-9223372036854775807 - 1) % -1", 0);
	is("1 << 65", 2);
	/* ** (bash): right-associative, below the unary operators */
	is("2 ** 10", 1024);
	is("-2 ** 2", 4);
	is("2 ** 3 ** 2", 512);
	is("2 * 3 ** 2", 18);
	is("3 ** 0", 1);
	is("2 ** 64", 0);
	err("2 ** -1", "exponent less than 0");

	/* Variables: unset and empty are 0; assignments set them. */
	var_unset("a");
	is("a + 1", 1);
	is("a = 5", 5);
	is("a * 2", 10);
	is("a += 3", 8);
	is("a <<= 1", 16);
	is("b = a = 2", 2);
	TAP_OK(strcmp(var_get("a"), "2") == 0 && strcmp(var_get("b"), "2") == 0,
	       "a = b = 2 sets both");
	var_set("c", " -12 ", 0);
	is("c + 2", -10);
	is("a == 2 && b != 3", 1);

	/* Short-circuits skip the other side's effects and errors. */
	is("0 && (a = 99)", 0);
	is("1 || 1 / 0", 1);
	is("1 ? 5 : 1 / 0", 5);
	is("0 ? (a = 7) : 3", 3);
	TAP_OK(strcmp(var_get("a"), "2") == 0, "a skipped assignment leaves a alone");

	err("1 / 0", "division by zero");
	err("1 % 0", "division by zero");
	err("1 +", "operand expected");
	err("(1 + 2", "missing ')'");
	err("1 2", "syntax error near '2'");
	err("1 ? 2", "missing ':'");
	err("09", "syntax error");
	err("x@", "syntax error");
	/* A value that is not a number is an expression (as bash). */
	var_set("s", "abc", 0);
	var_unset("abc");
	is("s + 1", 1);
	var_set("s", "2*3", 0);
	is("s + 1", 7);
	var_set("s", "1 +", 0);
	err("s", "operand expected");
	var_set("s", "t", 0);
	var_set("t", "s", 0);
	err("s", "recursion level exceeded");
	is("0XAA + 0Xa", 180);
	char deep[1200];
	memset(deep, '(', 600);
	memset(deep + 600, ')', 600);
	deep[599] = '1';
	deep[1199] = '\0';
	deep[600] = ')';
	err(deep, "nested too deeply");
	memset(deep, '-', 1000);
	deep[1000] = '1';
	deep[1001] = '\0';
	err(deep, "nested too deeply");
	return tap_done();
}
