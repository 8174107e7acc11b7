/* test_word.c — the word parser (src/parse/word.c): the typed tree of
 * each part kind, through word_dump(), and errors with line and column. */
#include <stdio.h>
#include <string.h>

#include "parse/word.h"
#include "tap.h"

static void tree(const char *raw, unsigned flags, const char *want)
{
	struct arena a = {0};
	struct parse_error err;
	struct word *w = word_parse(&a, raw, strlen(raw), 1, 1, flags, &err);
	struct strbuf sb = {0};
	if (w)
		word_dump(w, &sb);
	TAP_OK(w && strcmp(sb.buf, want) == 0, "%s -> %s (got %s%s)", raw, want,
	       w ? sb.buf : "error: ", w ? "" : err.msg);
	sb_free(&sb);
	arena_free(&a);
}

static void bad(const char *raw, int line, int col, bool incomplete, const char *msg)
{
	struct arena a = {0};
	struct parse_error err;
	struct word *w = word_parse(&a, raw, strlen(raw), 3, 5, 0, &err);
	TAP_OK(!w && err.line == line && err.column == col && err.incomplete == incomplete &&
		       strstr(err.msg, msg),
	       "%s fails at %d:%d: %s (got %d:%d %s)", raw, line, col, msg, err.line, err.column,
	       err.msg);
	arena_free(&a);
}

int main(void)
{
	/* literals and quoting */
	tree("abc", 0, "L(abc)");
	tree("a\\bc", 0, "L(a) Q(b) L(c)");
	tree("'a b'c", 0, "Q(a b) L(c)");
	tree("''", 0, "Q()");
	tree("\"a $x\"", 0, "D[Q(a ) P(x)]");
	tree("\"\"", 0, "D[]");
	tree("\"a\\$b\\c\"", 0, "D[Q(a) Q($b\\c)]");
	tree("$'a\\tb\\x41\\'c'", 0, "Q(a\tbA'c)");
	tree("$'a\\0b'", 0, "Q(a)");
	tree("\"$'x'\"", 0, "D[Q($'x')]");
	/* parameters */
	tree("$x$1$10${10}$@$#", 0, "P(x) P(1) P(1) L(0) P(10) P(@) P(#)");
	tree("${#x}${#}${##}", 0, "P(#x) P(#) P(##)");
	tree("${x:-a b}", 0, "P(x:-[L(a b)])");
	tree("${x-\"a b\"c}", 0, "P(x-[D[Q(a b)] L(c)])");
	tree("\"${x:-\"a b\"}\"", 0, "D[P(x:-[D[Q(a b)]])]");
	tree("\"${x-'a'}\"", 0, "D[P(x-[Q('a')])]");
	tree("\"${x#'a'*}\"", 0, "D[P(x#[Q(a) L(*)])]");
	tree("${x=1}${x?m}${x:+y}", 0, "P(x=[L(1)]) P(x?[L(m)]) P(x:+[L(y)])");
	tree("${x##*/}${x%.*}${x%%.*}", 0, "P(x##[L(*/)]) P(x%[L(.*)]) P(x%%[L(.*)])");
	tree("${x/a/b}${x//a}${x/#a/b}${x/%a/b}", 0,
	     "P(x/[L(a)][L(b)]) P(x//[L(a)]) P(x/#[L(a)][L(b)]) P(x/%[L(a)][L(b)])");
	tree("${x^}${x^^}${x,}${x,,[ab]}", 0, "P(x^[]) P(x^^[]) P(x,[]) P(x,,[L([ab])])");
	tree("${x:1}${x:1:$n}${x: -1}", 0, "P(x:[L(1)]) P(x:[L(1)][P(n)]) P(x:[L( -1)])");
	tree("${x:-a\\\nb}", 0, "P(x:-[L(ab)])");
	tree("${x\\\n#a}", 0, "P(x#[L(a)])");
	/* ... but not inside $( ): a comment there ends at the newline */
	tree("${u-$(a #\\\n)}", 0, "P(u-[C(a #\\\n)])");
	/* command substitution and arithmetic */
	tree("$(echo \")\")x", 0, "C(echo \")\") L(x)");
	tree("`echo \\$a \\\\ \\\"`", 0, "C`echo $a \\ \\\"`");
	tree("\"`echo \\\"hi\\\"`\"", 0, "D[C`echo \"hi\"`]");
	tree("$((1 + $x * \"2\"))", 0, "A[L(1 + ) P(x) L( * ) D[Q(2)]]");
	tree("$( (a) )", 0, "C( (a) )");
	/* tilde prefixes */
	tree("~/a", 0, "T() L(/a)");
	tree("~me/a", 0, "T(me) L(/a)");
	tree("a~", 0, "L(a~)");
	tree("~'x'", 0, "L(~) Q(x)");
	tree("~:~", 0, "L(~:~)"); /* ":~" is the login name: none */
	tree("~:~/b", WORD_F_ASSIGN, "T() L(:) T() L(/b)");
	tree("P=~/a:~b", WORD_F_ASSIGN_WORD, "L(P=) T() L(/a:) T(b)");
	tree("${u-~:~}", WORD_F_ASSIGN, "P(u-[T() L(:) T()])");
	tree("~", WORD_F_NO_TILDE, "L(~)");
	/* here-documents: only $ ` \ are special */
	tree("a 'b' \"c\" \\d \\$e $f", WORD_F_HEREDOC, "Q(a 'b' \"c\" \\d ) Q($e ) P(f)");
	/* PIPESTATUS, the one array: its subscript is part of the name */
	tree("${PIPESTATUS[@]}${#PIPESTATUS[*]}${PIPESTATUS[$i+1]:-x}$PIPESTATUS[0]", 0,
	     "P(PIPESTATUS[@]) P(#PIPESTATUS[*]) P(PIPESTATUS[$i+1]:-[L(x)]) P(PIPESTATUS) L([0])");
	/* errors: line and column of the construct (word starts at 3:5) */
	bad("${x!}", 3, 5, false, "${x!}: bad substitution");
	bad("${x[1]}", 3, 5, false, "${x[1]}: bad substitution");
	bad("ab${", 3, 7, true, "unterminated '${'");
	bad("a\n'b", 4, 1, true, "unterminated single quote");
	bad("\"abc", 3, 5, true, "unterminated double quote");
	bad("x$(echo", 3, 6, true, "unterminated '$('");
	bad("`a", 3, 5, true, "unterminated '`'");
	bad("$'a", 3, 5, true, "unterminated $'");
	bad("${}", 3, 5, false, "bad substitution");
	/* deep nesting is refused, not a stack overflow */
	{
		struct strbuf sb = {0};
		for (int i = 0; i < 5000; i++)
			sb_adds(&sb, "${x:-");
		for (int i = 0; i < 5000; i++)
			sb_addc(&sb, '}');
		struct arena a = {0};
		struct parse_error err;
		struct word *w = word_parse(&a, sb.buf, sb.len, 1, 1, 0, &err);
		TAP_OK(!w && strstr(err.msg, "nesting too deep"), "5000 nested ${ } refused (%s)",
		       err.msg);
		arena_free(&a);
		sb_free(&sb);
	}
	/* the raw text is kept for --plan */
	{
		struct arena a = {0};
		struct parse_error err;
		struct word *w = word_parse(&a, "a\"$b\"", 5, 1, 1, 0, &err);
		TAP_OK(w && w->rawlen == 5 && memcmp(w->raw, "a\"$b\"", 5) == 0 && !w->literal_only,
		       "raw text and literal_only kept");
		w = word_parse(&a, "a'b'", 4, 1, 1, 0, &err);
		TAP_OK(w && w->literal_only, "quoted literal text is literal_only");
		arena_free(&a);
	}
	/* process substitution (test_procsub.c has the lexer's side) */
	tree("<(ls -l)", 0, "S<(ls -l)");
	tree(">(wc)", 0, "S>(wc)");
	tree("a<(b)c", 0, "L(a) S<(b) L(c)");
	tree("<[shm:size=4M](sort)", 0, "S<[shm:size=4M](sort)");
	tree(">[mq:lines](grep x)", 0, "S>[mq:lines](grep x)");
	tree("'<(x)'\"<(y)\"", 0, "Q(<(x)) D[Q(<(y))]");
	tree("<(a)<(b)", 0, "S<(a) S<(b)");
	tree("a<b", 0, "L(a<b)");
	/* in a ${…} value (bash), and plain text when no ')' closes it there */
	tree("${x:-a<(b)c}", 0, "P(x:-[L(a) S<(b) L(c)])");
	tree("${x:-a<(c}", 0, "P(x:-[L(a<(c)])");
	tree("${x-${x-<(}$)}", 0, "P(x-[P(x-[L(<()]) L($))])"); /* the lexer's first '}' ends it */
	return tap_done();
}
