/* test_expand.c — the expander (src/exec/expand.c), pass by pass in POSIX
 * order: tilde, parameter, command substitution (through a fake runner),
 * arithmetic, field splitting, pathname expansion, quote removal; and the
 * one-string and pattern contexts. Fields are shown joined as [a][b]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec/expand.h"
#include "exec/param.h"
#include "exec/shell.h"
#include "tap.h"

static char *fake_capture(const struct word_part *cmd)
{
	const char *src = cmd->u.cmd.src;
	size_t len = cmd->u.cmd.len;
	/* "echo X" prints X; anything else prints its text and two newlines,
	 * trimmed as a command substitution trims them */
	if (len > 5 && strncmp(src, "echo ", 5) == 0)
		return strndup(src + 5, len - 5);
	return strndup(src, len);
}

/* raw as the parser makes a word of it (flags: word.h), or NULL. */
static struct word *word(struct arena *a, const char *raw, unsigned flags)
{
	struct parse_error err;
	return word_parse(a, raw, strlen(raw), 1, 1, flags, &err);
}

static void fields(const char *raw, const char *want)
{
	struct arena a = {0};
	struct strvec out = {0};
	struct strbuf sb = {0};
	sb_add(&sb, "", 0);
	struct word *w = word(&a, raw, WORD_F_ASSIGN_WORD);
	int r = w ? expand_word_fields(&a, w, &out) : -1;
	for (size_t i = 0; i < out.n; i++)
		sb_addf(&sb, "[%s]", out.v[i]);
	TAP_OK(r == 0 && strcmp(sb.buf, want) == 0, "fields %s -> %s (got %s)", raw, want, sb.buf);
	sb_free(&sb);
	arena_free(&a);
}

static void single(const char *raw, const char *want)
{
	struct arena a = {0};
	char *s = expand_single(&a, raw);
	TAP_OK(s && strcmp(s, want) == 0, "single %s -> %s (got %s)", raw, want, s ? s : "NULL");
	arena_free(&a);
}

static void assign(const char *raw, const char *want)
{
	struct arena a = {0};
	struct word *w = word(&a, raw, WORD_F_ASSIGN);
	char *s = w ? expand_word_single(&a, w) : NULL;
	TAP_OK(s && strcmp(s, want) == 0, "assignment %s -> %s (got %s)", raw, want,
	       s ? s : "NULL");
	arena_free(&a);
}

static void pattern(const char *raw, const char *want)
{
	struct arena a = {0};
	struct word *w = word(&a, raw, 0);
	char *s = w ? expand_word_pattern(&a, w) : NULL;
	TAP_OK(s && strcmp(s, want) == 0, "pattern %s -> %s (got %s)", raw, want, s ? s : "NULL");
	arena_free(&a);
}

static void heredoc(const char *raw, const char *want)
{
	struct arena a = {0};
	char *s = expand_heredoc(&a, raw);
	TAP_OK(s && strcmp(s, want) == 0, "heredoc %s -> %s (got %s)", raw, want, s ? s : "NULL");
	arena_free(&a);
}

static void op(enum param_op o, const char *pat, const char *rep, const char *val,
	       const char *want)
{
	struct arena a = {0};
	char *r = o <= PARAM_TRIM_PL ? param_trim(&a, o, pat, val)
		  : o <= PARAM_SUBST_SUF ? param_subst(&a, o, pat, rep, val)
					 : param_case(&a, o, pat, val);
	TAP_OK(strcmp(r, want) == 0, "op %d pattern '%s' on '%s' -> '%s' (got '%s')", (int)o, pat,
	       val, want, r);
	arena_free(&a);
}

static void fails(const char *raw)
{
	struct arena a = {0};
	struct strvec out = {0};
	struct word *w = word(&a, raw, WORD_F_ASSIGN_WORD);
	TAP_OK(!w || expand_word_fields(&a, w, &out) < 0, "%s fails", raw);
	arena_free(&a);
}

int main(void)
{
	char *params[] = { "a b", "", "c" };
	expand_capture = fake_capture;
	var_set("HOME", "/home/me", 0);
	var_set("x", "hello", 0);
	var_set("s", "  one  two ", 0);
	var_unset("u");
	var_unset("IFS");
	params_set(params, 3);

	/* 1a. tilde */
	fields("~/d", "[/home/me/d]");
	fields("'~'/d", "[~/d]");
	assign("~:~/b:a~", "/home/me:/home/me/b:a~");
	fields("P=~/a:~/b", "[P=/home/me/a:/home/me/b]");
	fields("~nosuchuser_ipcsh/x", "[~nosuchuser_ipcsh/x]");
	/* 1b. parameters */
	fields("$x|${#x}|${x#h*l}|${x##*l}|${x%l*}|${x%%l*}", "[hello|5|lo|o|hel|he]");
	fields("${u-d}|${u:-d}|${x:+alt}|${u+alt}", "[d|d|alt|]");
	fields("${x:1:3}/${x: -2}/${x/l/L}/${x//l/L}/${x^^}/${x^}", "[ell/lo/heLlo/heLLo/HELLO/Hello]");
	fields("${y=set}$y", "[setset]");
	fields("$#${#}${#*}", "[333]");
	fails("${u?no}");
	fails("${4=x}");
	/* the string operators of 1b on their own */
	op(PARAM_TRIM_SS, "*/", NULL, "/a/b", "a/b");
	op(PARAM_TRIM_SL, "*/", NULL, "/a/b", "b");
	op(PARAM_TRIM_PS, ".*", NULL, "a.tar.gz", "a.tar");
	op(PARAM_TRIM_PL, ".*", NULL, "a.tar.gz", "a");
	op(PARAM_TRIM_SS, "\\*", NULL, "*a", "a");
	op(PARAM_TRIM_SS, "x", NULL, "abc", "abc");
	op(PARAM_SUBST, "b*", "X", "abcb", "aX");
	op(PARAM_SUBST_ALL, "b", "", "abcb", "ac");
	op(PARAM_SUBST_ALL, "", "X", "ab", "ab");
	op(PARAM_SUBST_PRE, "", "X", "ab", "Xab");
	op(PARAM_SUBST_PRE, "b", "X", "ab", "ab");
	op(PARAM_SUBST_SUF, "b", "X", "abb", "abX");
	op(PARAM_SUBST_ALL, "x*", "-", "axbxc", "a-");
	op(PARAM_UPPER1, "", NULL, "ab", "Ab");
	op(PARAM_UPPER, "[a-b]", NULL, "abc", "ABc");
	op(PARAM_LOWER, "", NULL, "AbC", "abc");
	op(PARAM_LOWER1, "B", NULL, "AB", "AB");
	/* 1c. command substitution (fake runner) */
	fields("$(echo a  b)", "[a][b]");
	fields("\"$(echo a  b)\"", "[a  b]");
	fields("`echo \\$x`", "[$x]");
	/* 1d. arithmetic */
	fields("$((1 + 2 * 3))$((0XAA))", "[7170]");
	fields("$(( $x_n + ${#x} ))", "[5]");
	/* 2. field splitting */
	fields("$s", "[one][two]");
	fields("\"$s\"", "[  one  two ]");
	fields("a$s", "[a][one][two]");
	fields("$u", "");
	fields("\"$u\"", "[]");
	fields("''", "[]");
	fields("$@", "[a][b][c]");
	fields("\"$@\"", "[a b][][c]");
	fields("\"x$@y\"", "[xa b][][cy]");
	fields("\"$*\"", "[a b  c]");
	fields("${u:-\"a b\"}", "[a b]");
	fields("${u:-c d}", "[c][d]");
	var_set("IFS", "_ ", 0);
	var_set("v", "a_b _ c__d", 0);
	fields("$v", "[a][b][c][][d]");
	fields("\"$*\"", "[a b__c]");
	var_set("IFS", "", 0);
	fields("$s", "[  one  two ]");
	fields("\"$*\"", "[a bc]");
	fields("$@", "[a b][c]");
	var_unset("IFS");
	/* 3. pathname expansion (in a fresh directory) */
	char dir[] = "/tmp/ipcsh-test-expand.XXXXXX";
	if (mkdtemp(dir) && chdir(dir) == 0) {
		fclose(fopen("a.txt", "w"));
		fclose(fopen("b.txt", "w"));
		var_set("p", "*.txt", 0);
		fields("*.txt", "[a.txt][b.txt]");
		fields("$p", "[a.txt][b.txt]");
		fields("\"$p\"", "[*.txt]");
		fields("'*'.txt", "[*.txt]");
		fields("\\*.txt", "[*.txt]");
		fields("*.none", "[*.none]");
		sh.opt_f = true;
		fields("$p", "[*.txt]");
		sh.opt_f = false;
		if (unlink("a.txt") || unlink("b.txt") || chdir("/") || rmdir(dir))
			perror(dir);
	}
	/* 4. quote removal, and the one-string contexts */
	single("'a'\"b\"\\c$x", "abchello");
	single("$@", "a b  c");
	single("*", "*");
	heredoc("a 'q' \"$x\" \\$x \\\\ \\y `echo hi`", "a 'q' \"hello\" $x \\ \\y hi");
	pattern("a*'*'\"?\"$p\\[", "a*\\*\\?*.txt\\[");
	/* brace expansion (bash), the first pass: only unquoted literal
	 * braces, alternatives nested and empty, sequences of numbers (padded,
	 * stepped, backwards) and letters; what is not one stays text */
	sh.opt_B = true;
	var_set("x", "X", 0);
	fields("a{b,c}d", "[abd][acd]");
	fields("{a,b}{1,2}", "[a1][a2][b1][b2]");
	fields("x{,y}z", "[xz][xyz]");
	fields("{a,{b,c}}d", "[ad][bd][cd]");
	fields("{{a,b}}", "[{a}][{b}]");
	fields("{1..4}", "[1][2][3][4]");
	fields("{4..1..2}", "[4][2]");
	fields("{01..10..3}", "[01][04][07][10]");
	fields("{-2..2..2}", "[-2][0][2]");
	fields("{a..e..2}", "[a][c][e]");
	fields("{$x,y}", "[X][y]");
	fields("pre{\"q r\",s}", "[preq r][pres]");
	fields("{}", "[{}]");
	fields("{a}", "[{a}]");
	fields("{1..x}", "[{1..x}]");
	fields("a{b", "[a{b]");
	fields("\"{a,b}\"", "[{a,b}]");
	fields("'{c,d}'", "[{c,d}]");
	fields("\\{e,f}", "[{e,f}]");
	fields("${u-{a,b}}", "[{a,b}]");
	sh.opt_B = false;
	fields("{a,b}", "[{a,b}]");
	return tap_done();
}
