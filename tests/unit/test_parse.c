/* test_parse.c — parser: AST shape of good scripts, position, message and
 * "incomplete" of bad ones. The AST is checked through a compact dump:
 *   items joined by " ;; " (a trailing " &" marks background),
 *   and_or ops as " && " / " || ", '!' as "! ", edges as " | " or
 *   " |[shm:size=1M] ", a stage as "@remote A:assign word <fd>op<word> ...",
 *   here-documents as "<0<<DELIM{body}>" ("<<q" when the delimiter was quoted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse.h"
#include "tap.h"

static const char *opname(enum redir_op op)
{
	static const char *const n[] = { "<", ">", ">>", ">&", "<&", "&-", "<<", "<>", "<<<", ">|" };
	return n[op];
}

static void dump_list(struct strbuf *sb, const struct ast_script *sc);

/* A compound command: "if{C}then{T}else{E}", "while{C}do{B}",
 * "until{C}do{B}", "for N in W W{B}" ("for N{B}" without in),
 * "case W{P|P){B};; ...}" (";&" / ";;&" for the other ends), "{L}" for a
 * group, "(L)" for a subshell, "F(){...}" for a function definition,
 * "arith[$((E))]" for (( E )), "for(($((I));$((C));$((S)))){B}". */
static void dump_compound(struct strbuf *sb, const struct ast_cmd *c)
{
	switch (c->kind) {
	case CMD_GROUP:
	case CMD_SUBSHELL:
		sb_adds(sb, c->kind == CMD_GROUP ? "{" : "(");
		dump_list(sb, c->u.body);
		sb_adds(sb, c->kind == CMD_GROUP ? "}" : ")");
		break;
	case CMD_IF:
		sb_adds(sb, "if{");
		dump_list(sb, c->u.if_->cond);
		sb_adds(sb, "}then{");
		dump_list(sb, c->u.if_->then);
		sb_adds(sb, "}");
		if (c->u.if_->els) {
			sb_adds(sb, "else{");
			dump_list(sb, c->u.if_->els);
			sb_adds(sb, "}");
		}
		break;
	case CMD_WHILE:
	case CMD_UNTIL:
		sb_adds(sb, c->kind == CMD_WHILE ? "while{" : "until{");
		dump_list(sb, c->u.loop->cond);
		sb_adds(sb, "}do{");
		dump_list(sb, c->u.loop->body);
		sb_adds(sb, "}");
		break;
	case CMD_FOR:
		if (c->u.for_->arith) {
			const struct word *w[3] = {c->u.for_->init, c->u.for_->cond, c->u.for_->step};
			sb_adds(sb, "for((");
			for (int k = 0; k < 3; k++)
				sb_addf(sb, "%s%s", k ? ";" : "", w[k] ? w[k]->raw : "");
			sb_adds(sb, ")){");
			dump_list(sb, c->u.for_->body);
			sb_adds(sb, "}");
			break;
		}
		sb_addf(sb, "for %s", c->u.for_->name);
		if (c->u.for_->has_in)
			sb_adds(sb, " in");
		for (size_t i = 0; i < c->u.for_->nwords; i++)
			sb_addf(sb, " %s", c->u.for_->words[i]->raw);
		sb_adds(sb, "{");
		dump_list(sb, c->u.for_->body);
		sb_adds(sb, "}");
		break;
	case CMD_CASE:
		sb_addf(sb, "case %s{", c->u.case_->word->raw);
		for (size_t i = 0; i < c->u.case_->nitems; i++) {
			const struct ast_case_item *ci = &c->u.case_->items[i];
			for (size_t k = 0; k < ci->npats; k++)
				sb_addf(sb, "%s%s", k ? "|" : "", ci->pats[k]->raw);
			sb_adds(sb, "){");
			dump_list(sb, ci->body);
			sb_adds(sb, ci->end == CASE_BREAK ? "};;" : ci->end == CASE_FALL ? "};&" : "};;&");
		}
		sb_adds(sb, "}");
		break;
	case CMD_FUNCDEF:
		sb_addf(sb, "%s()", c->u.func->name);
		dump_compound(sb, c->u.func->body);
		for (const struct ast_redir *r = c->u.func->body->redirs; r; r = r->next)
			sb_addf(sb, " <%d%s%s>", r->fd, opname(r->op), r->word);
		break;
	case CMD_ARITH:
		sb_addf(sb, "arith[%s]", c->u.arith ? c->u.arith->raw : "");
		break;
	case CMD_SIMPLE:
		break;
	}
}

static void dump_stage(struct strbuf *sb, const struct ast_cmd *st)
{
	const char *sep = "";
	if (st->kind != CMD_SIMPLE) {
		dump_compound(sb, st);
		if (st->kind == CMD_FUNCDEF)
			return;
		sep = " ";
	}
	if (st->remote) {
		sb_addf(sb, "@%s", st->remote);
		sep = " ";
	}
	for (size_t i = 0; i < st->nassigns; i++, sep = " ")
		sb_addf(sb, "%sA:%s", sep, st->assigns[i]->raw);
	for (size_t i = 0; i < st->nwords; i++, sep = " ")
		sb_addf(sb, "%s%s", sep, st->words[i]->raw);
	for (const struct ast_redir *r = st->redirs; r; r = r->next, sep = " ") {
		sb_addf(sb, "%s<%d%s%s%s", sep, r->fd, opname(r->op),
			r->op == REDIR_HEREDOC && r->body_quoted ? "q" : "", r->word);
		if (r->op == REDIR_HEREDOC)
			sb_addf(sb, "{%s}", r->body ? r->body : "(null)");
		sb_addc(sb, '>');
	}
}

static void dump_pipeline(struct strbuf *sb, const struct ast_pipeline *pl)
{
	if (pl->timed)
		sb_adds(sb, pl->timed == TIME_POSIX ? "time-p " : "time ");
	if (pl->bang)
		sb_adds(sb, "! ");
	for (size_t i = 0; i < pl->nstages; i++) {
		if (i) {
			if (pl->edges[i - 1].dflt) {
				sb_adds(sb, " | ");
			} else {
				sb_adds(sb, " |[");
				edge_spec_format(&pl->edges[i - 1], sb);
				sb_adds(sb, "] ");
			}
		}
		dump_stage(sb, &pl->stages[i]);
	}
}

static void dump_list(struct strbuf *sb, const struct ast_script *sc)
{
	for (size_t i = 0; i < sc->nitems; i++) {
		const struct ast_item *it = &sc->items[i];
		if (i)
			sb_adds(sb, " ;; ");
		for (size_t j = 0; j < it->andor.n; j++) {
			if (it->andor.ops[j] != ANDOR_NONE)
				sb_adds(sb, it->andor.ops[j] == ANDOR_AND ? " && " : " || ");
			dump_pipeline(sb, &it->andor.pipes[j]);
		}
		if (it->background)
			sb_adds(sb, " &");
	}
}

static char *dump(const struct ast_script *sc)
{
	struct strbuf sb = { 0 };
	sb_adds(&sb, "");
	dump_list(&sb, sc);
	return sb_detach(&sb);
}

/* src made printable for a one-line TAP name (static buffer). */
static const char *esc(const char *src)
{
	static char buf[160];
	size_t o = 0;
	for (; *src && o + 3 < sizeof buf; src++) {
		if (*src == '\n' || *src == '\t') {
			buf[o++] = '\\';
			buf[o++] = *src == '\n' ? 'n' : 't';
		} else {
			buf[o++] = *src;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* Parse src and compare its dump with want. */
static void good(const char *src, const char *want)
{
	struct arena a = { 0 };
	struct parse_error err;
	struct ast_script *sc = parse_script(&a, src, strlen(src), 1, &err);
	if (!sc) {
		TAP_OK(0, "parses: %s", esc(src));
		printf("#   error %d:%d %s\n", err.line, err.column, err.msg);
	} else {
		char *d = dump(sc);
		TAP_OK(strcmp(d, want) == 0, "parses: %s", esc(src));
		if (strcmp(d, want) != 0)
			printf("#   got  [%s]\n#   want [%s]\n", d, want);
		free(d);
	}
	arena_free(&a);
}

/* Parse src (as a script, or as text at the prompt that more lines may
 * follow), expect an error at line:col whose message contains msg. */
static void bad_as(bool more, const char *src, int line, int col, bool incomplete, const char *msg)
{
	struct arena a = { 0 };
	struct parse_error err;
	struct ast_script *sc = more ? parse_script_more(&a, src, strlen(src), &err)
				     : parse_script(&a, src, strlen(src), 1, &err);
	bool ok = !sc && err.line == line && err.column == col && err.incomplete == incomplete &&
		  strstr(err.msg, msg) != NULL;
	TAP_OK(ok, "rejects: %s", esc(src));
	if (!ok) {
		if (sc)
			printf("#   parsed\n");
		else
			printf("#   got %d:%d %s [%s]\n", err.line, err.column,
			       err.incomplete ? "incomplete" : "complete", err.msg);
		printf("#   want %d:%d %s [%s]\n", line, col, incomplete ? "incomplete" : "complete", msg);
	}
	arena_free(&a);
}

static void bad(const char *src, int line, int col, bool incomplete, const char *msg)
{
	bad_as(false, src, line, col, incomplete, msg);
}


static void test_lists(void)
{
	good("", "");
	good("\n\n  # only a comment\n", "");
	good("echo hi", "echo hi");
	good("a; b", "a ;; b");
	good("a;b;", "a ;; b");
	good("a & b &", "a & ;; b &");
	good("a\nb\n", "a ;; b");
	good("a && b || c", "a && b || c");
	good("a &&\n\n b ||\n c", "a && b || c");
	good("! a | b", "! a | b");
	good("a ! b", "a ! b");
	/* bash's prefixes: each '!' inverts; `time [-p] [--]`; alone before a
	 * list's end they are a null command. */
	good("! ! a", "a");
	good("time a | b", "time a | b");
	good("time -p -- a", "time-p a");
	good("time -- -p", "time-p -p");
	good("! time ! a; time ! ! time -p b", "time a ;; time-p b");
	good("time; ! ;time -p\n!", "time  ;; !  ;; time-p  ;; ! ");
	good("a | time b", "a | time b");
	good("\"time\" a; echo time", "\"time\" a ;; echo time");
	good("a#b #c", "a#b");
	good("a;#c\nb", "a ;; b");
	good("echo \\#x", "echo \\#x");
	good("a \\\n b", "a b");
	good("ec\\\nho", "echo");
	/* Continuations go before tokens: operators join across them. */
	good("a &\\\n& b |\\\n| c ;\\\n d", "a && b || c ;; d");
	good("a |\\\n\\\n[shm] b", "a |[shm] b");
	good("cmd >\\\n>log 2\\\n>&\\\n1 <\\\n&0", "cmd <1>>log> <2>&1> <0<&0>");
	good("cat <\\\n<\\\n-E\n\tx\n\tE\n", "cat <0<<E{x\n}>");
	bad("a &\\\n> f", 1, 3, false, "'&>' is not supported");
	good("echo if fi", "echo if fi");
	good("@h if", "@h if");
}

static void test_words(void)
{
	good("echo 'a b' \"c d\" e\\ f", "echo 'a b' \"c d\" e\\ f");
	good("echo 'a\\\nb'", "echo 'a\\\nb'");
	good("echo \"a\\\nb\"", "echo \"ab\"");
	good("echo $(a | b) x", "echo $(a | b) x");
	good("echo $(echo ')' \"(\" $(x)) y", "echo $(echo ')' \"(\" $(x)) y");
	good("echo \"$(a \"b\")\"", "echo \"$(a \"b\")\"");
	good("echo ${x:-a b}c", "echo ${x:-a b}c");
	good("echo ${x:-'}'}", "echo ${x:-'}'}");
	/* `...` is kept as written (the word parser un-escapes it); its
	 * command is checked when the script is parsed. */
	good("echo `a | b`", "echo `a | b`");
	good("echo \"x`echo \\$HOME \\`echo in\\` \\\\ \\n`y\" `a # c`",
	     "echo \"x`echo \\$HOME \\`echo in\\` \\\\ \\n`y\" `a # c`");
	good("echo `echo ')'` `` z", "echo `echo ')'` `` z");
	good("echo `cat <<E\nx\nE`", "echo `cat <<E\nx\nE`");
	bad("echo `a |`", 1, 10, false, "near '`'");
	bad("echo `a )`", 1, 9, false, "near ')'");
	good("echo $(a # )\n)", "echo $(a # )\n)");
	good("echo a$b$", "echo a$b$");
	good("echo a>b", "echo a <1>b>");
	good("echo \\$x \"\\$(\" $(echo \\)) $(echo \"\\\")\")", "echo \\$x \"\\$(\" $(echo \\)) $(echo \"\\\")\")");
	bad("echo \\$(a)", 1, 8, false, "near '('");
	good("echo \"it's\" '\"' $'a' ${#x} }", "echo \"it's\" '\"' $'a' ${#x} }");
	good("x=$(a)b cmd", "A:x=$(a)b cmd");
	good("echo $\\\n{x} \"$\\\n(a)\" $\\\nb", "echo ${x} \"$(a)\" $b");
	good("echo a{$$\\\n{", "echo a{$${"); /* $$ then '{', as dash and bash read it */
	good("echo $(cat <<E\nI don't ) \"\nE\n)", "echo $(cat <<E\nI don't ) \"\nE\n)");
	good("echo \"$(cat <<-'E F' <<G\n\t)'\n\tE F\n(\nG\n)\" x", "echo \"$(cat <<-'E F' <<G\n\t)'\n\tE F\n(\nG\n)\" x");
	bad("echo $(cat <<E\nx\n)", 1, 6, true, "unterminated '$('");
}

static void test_assign_redir(void)
{
	good("A=1 B=$x cmd C=2", "A:A=1 A:B=$x cmd C=2");
	good("A=1", "A:A=1");
	good("A=1 >f B=2 cmd", "A:A=1 A:B=2 cmd <1>f>");
	good("'A'=1 cmd", "'A'=1 cmd");
	good("1A=2", "1A=2");
	good(">out", "<1>out>");
	good("cmd <in >out 2>>log 3>&1 4<&0 5>&- <&- 2>&\"$fd\"",
	     "cmd <0<in> <1>out> <2>>log> <3>&1> <4<&0> <5&--> <0&--> <2>&\"$fd\">");
	good("cmd 2> err", "cmd <2>err>");
	good("cmd 2 > err", "cmd 2 <1>err>");
	good("cmd 12>x", "cmd <12>x>");
	/* POSIX <> and >|, bash's here-string <<< */
	good("cat <<<\"a b\" <>f >|g 2<>h 3<<<x", "cat <0<<<\"a b\"> <0<>f> <1>|g> <2<>h> <3<<<x>");
	bad("cat <<<", 1, 8, false, "end of file");
}

static void test_edges(void)
{
	good("a | b |[shm] c |[mq:msgsize=4096,maxmsg=8] d",
	     "a | b |[shm] c |[mq:msgsize=4K,maxmsg=8] d");
	good("a |[pipe:size=1M]b", "a |[pipe:size=1M] b");
	good("a | [ -f x ]", "a | [ -f x ]");
	good("a |\n\n b", "a | b");
	good("a |[sock]\n b", "a |[sock] b");
	good("a || b", "a || b");
	good("a|b", "a | b");
	good("A=1 | b", "A:A=1 | b");
	good("a |[fifo:path=/tmp/x] b", "a |[fifo:path=/tmp/x] b");
}

static void test_remote(void)
{
	good("@host cmd a", "@host cmd a");
	good("@host:7433 A=1 cmd", "@host:7433 A:A=1 cmd");
	good("@[::1]:7433 cmd", "@[::1]:7433 cmd");
	good("@ssh:user@h cmd | @ssh:h2 wc", "@ssh:user@h cmd | @ssh:h2 wc");
	good("cmd @host", "cmd @host");
	good("'@host' cmd", "'@host' cmd");
}

static void test_heredocs(void)
{
	good("cat <<EOF\nhello $x\nEOF\n", "cat <0<<EOF{hello $x\n}>");
	good("cat <<EOF\nEOF", "cat <0<<EOF{}>");
	good("cat <<'E F'\na\nE F\necho", "cat <0<<qE F{a\n}> ;; echo");
	good("cat <<\"E\"x\n$a\nEx\n", "cat <0<<qEx{$a\n}>");
	good("cat <<\\E\nx\nE\n", "cat <0<<qE{x\n}>");
	good("cat <<-E\n\t\ta\n\tb\n\tE\nnext", "cat <0<<E{a\nb\n}> ;; next");
	good("cat <<A 3<<B; echo\n1\nA\n2\nB\nlast",
	     "cat <0<<A{1\n}> <3<<B{2\n}> ;; echo ;; last");
	good("cat <<A | cat <<B\na\nA\nb\nB\n", "cat <0<<A{a\n}> | cat <0<<B{b\n}>");
	good("cat <<E\n  E\nE\n", "cat <0<<E{  E\n}>");
}

static void test_bad(void)
{
	bad(";", 1, 1, false, "syntax error near ';'");
	bad("a ;;", 1, 3, false, "near ';;'");
	bad("a; ;", 1, 4, false, "near ';'");
	bad("&& a", 1, 1, false, "near '&&'");
	bad("a | | b", 1, 5, false, "near '|'");
	bad("a |", 1, 4, true, "unexpected end of file");
	bad("a |[shm]", 1, 9, true, "unexpected end of file");
	bad("a &&\n", 2, 1, true, "unexpected end of file");
	bad("a ||", 1, 5, true, "unexpected end of file");
	bad("echo 'abc", 1, 6, true, "unterminated single quote");
	bad("echo \"a\nb", 1, 6, true, "unterminated double quote");
	/* At the prompt a trailing backslash-newline or an open here-document
	 * wants more lines; at the end of a script it ends there, as in sh. */
	bad_as(true, "echo a\\", 1, 7, true, "after '\\'");
	bad_as(true, "echo a\\\n", 1, 7, true, "after '\\'");
	bad_as(true, "echo a \\\n", 1, 8, true, "after '\\'");
	bad_as(true, "cat <<EOF\nabc\n", 1, 5, true, "here-document 'EOF'");
	bad_as(true, "cat <<EOF", 1, 5, true, "here-document 'EOF'");
	bad_as(true, "echo \"a\\\n", 1, 6, true, "unterminated double quote");
	good("echo a\\", "echo a");
	good("echo a\\\n", "echo a");
	good("echo a \\\n", "echo a");
	good("echo a \\", "echo a");
	good("\\\n", "");
	good("cat <<EOF\nabc\n", "cat <0<<EOF{abc\n}>");
	good("cat <<EOF", "cat <0<<EOF{}>");
	bad("echo \"a\\\n", 1, 6, true, "unterminated double quote");
	bad("a &>f", 1, 3, false, "'&>' is not supported");
	bad("echo $(a", 1, 6, true, "unterminated '$('");
	bad("echo ${a", 1, 6, true, "unterminated '${'");
	bad("echo `a", 1, 6, true, "unterminated '`'");
	bad("a\nb |[foo] c", 2, 3, false, "syntax error: unknown transport 'foo'");
	bad("a |[shm:bogus] c", 1, 3, false, "unknown option 'bogus'");
	bad("a |[shm c", 1, 3, false, "missing ']'");
	bad("a )", 1, 3, false, "near ')'");
	bad("a (", 1, 3, false, "near '('");
	bad("a b (", 1, 5, false, "near '('");
	bad("! | a", 1, 3, false, "empty pipeline after '!'");
	bad("! && a", 1, 3, false, "empty pipeline after '!'");
	bad("time | a", 1, 6, false, "near '|'");
	bad("time &", 1, 6, false, "near '&'");
	bad("{ time", 1, 7, true, "unexpected end of file");
	bad("a >", 1, 4, false, "near 'end of file'");
	bad("a >\nb", 1, 4, false, "near 'newline'");
	bad("a > | b", 1, 5, false, "near '|'");
	bad("@ cmd", 1, 1, false, "empty remote host");
	bad("@ssh: cmd", 1, 1, false, "empty remote host in '@ssh:'");
	bad("@ssh:me@ cmd", 1, 1, false, "empty remote host");
	bad("a | @:7433 cmd", 1, 5, false, "empty remote host");
	bad("@host", 1, 1, false, "has no command");
	bad("@host >x", 1, 1, false, "has no command");
	bad("x\necho $(a |)", 2, 11, false, "near ')'");
	bad("x\necho $(a ;; b)", 2, 10, false, "near ';;'");
	/* $(( )) is kept verbatim; '<<' in it is a shift, ')' closes nothing early */
	good("echo $((1+2)) x$(( (a) << 2 ))y \"$(($(echo 1)*2))\"",
	     "echo $((1+2)) x$(( (a) << 2 ))y \"$(($(echo 1)*2))\"");
	bad("echo $((1+2)", 1, 6, true, "unterminated '$(('");
	TAP_OK(parse_cmdsubst_end("echo $((1<<2)) )", 16) == 15, "a shift in $(( )) inside $( ) is no here-document");
	bad("a 99999999999>x", 1, 3, false, "too large");
}

static void test_nul_and_depth(void)
{
	struct arena a = { 0 };
	struct parse_error err;
	TAP_OK(!parse_script(&a, "ab\0c", 4, 1, &err) && err.column == 3, "NUL byte rejected");
	struct strbuf sb = { 0 };
	for (int i = 0; i < 200; i++)
		sb_adds(&sb, "$(");
	for (int i = 0; i < 200; i++)
		sb_adds(&sb, ")");
	TAP_OK(!parse_script(&a, sb.buf, sb.len, 1, &err) && !err.incomplete &&
		       strstr(err.msg, "deep"), "deep $( ) nesting rejected: %s", err.msg);
	sb.len = 0;
	for (int i = 0; i < 20; i++)
		sb_adds(&sb, "echo \"$(");
	for (int i = 0; i < 20; i++)
		sb_adds(&sb, ")\"");
	TAP_OK(parse_script(&a, sb.buf, sb.len, 1, &err) != NULL, "20 levels of \"$( )\" parse");
	sb_free(&sb);
	arena_free(&a);
}

static void test_text_lines(void)
{
	struct arena a = { 0 };
	struct parse_error err;
	const char *src = "  a | b  &&  c ;  d &\n\n e\\\n f # x\n";
	struct ast_script *sc = parse_script(&a, src, strlen(src), 5, &err);
	TAP_OK(sc && sc->nitems == 3, "three items");
	if (sc && sc->nitems == 3) {
		TAP_OK(strcmp(sc->items[0].text, "a | b  &&  c") == 0, "item text: %s", sc->items[0].text);
		TAP_OK(strcmp(sc->items[0].andor.pipes[0].text, "a | b") == 0, "pipeline text");
		TAP_OK(strcmp(sc->items[1].text, "d") == 0 && sc->items[1].background, "bg item");
		TAP_OK(sc->items[2].line == 7 && sc->items[2].andor.pipes[0].line == 7, "line numbers");
		TAP_OK(sc->items[0].andor.pipes[0].stages[1].line == 5, "stage line");
	}
	arena_free(&a);
}

static void test_cmdsubst_end(void)
{
	const char *s = "echo ')' \"(\" $(x) `echo \\)` ${a})rest";
	TAP_OK(parse_cmdsubst_end(s, strlen(s)) == strstr(s, "})rest") - s + 1,
	       "cmdsubst end skips quotes and nesting");
	TAP_OK(parse_cmdsubst_end("a; (b) | c)", 11) == 10, "a subshell's parentheses are its own");
	TAP_OK(parse_cmdsubst_end("case x in x) a;; esac)", 22) == 21, "a case pattern's ')' is its own");
	TAP_OK(parse_cmdsubst_end("a # )\n)", 7) == 6, "comment skipped");
	TAP_OK(parse_cmdsubst_end("a#)", 3) == 2, "# inside a word");
	TAP_OK(parse_cmdsubst_end("a \\\n# )\n)", 9) == 8, "# after a line continuation");
	TAP_OK(parse_cmdsubst_end("echo 'a", 7) == -1, "open quote");
	TAP_OK(parse_cmdsubst_end("$\\\n(')') )", 10) == 9, "line continuation inside '$('");
	s = "cat <<E; echo ')'\n)\nE\n)";
	TAP_OK(parse_cmdsubst_end(s, strlen(s)) == (long)strlen(s) - 1, "here-document body skipped");
	TAP_OK(parse_cmdsubst_end("x", 1) == -1, "no paren");
	s = "cat <<\"\\\n\"\n)\n\n)";
	TAP_OK(parse_cmdsubst_end(s, strlen(s)) == (long)strlen(s) - 1,
	       "a line continuation in a here-document's delimiter is dropped, as the lexer does");
	TAP_OK(parse_brace_end("x:-\"}\"}", 7) == 6, "brace end skips quoted '}'");
	TAP_OK(parse_brace_end("x:-{a}b}", 8) == 5, "a bare '{' does not nest");
	TAP_OK(parse_brace_end("x:-$(echo })}", 13) == 12, "brace end skips $( )");
	TAP_OK(parse_brace_end("x", 1) == -1, "no brace");
}

static void test_first_line(void)
{
	struct arena a = { 0 };
	struct parse_error err;
	const char *src = "a\n\necho \"x\n  $(b |[nope] c)\"";
	TAP_OK(!parse_script(&a, src, strlen(src), 10, &err) && err.line == 13 && err.column == 7 &&
		       strstr(err.msg, "unknown transport 'nope'"),
	       "error inside $( ) inside quotes: line %d col %d %s", err.line, err.column, err.msg);
	src = "a |[shm\n] b";
	TAP_OK(!parse_script(&a, src, strlen(src), 1, &err) && strstr(err.msg, "missing ']'"),
	       "']' on the next line is not an edge");
	src = "cat <<E |\nbody\nE\n  wc";
	struct ast_script *sc = parse_script(&a, src, strlen(src), 1, &err);
	TAP_OK(sc && sc->nitems == 1 && sc->items[0].andor.pipes[0].nstages == 2 &&
		       strcmp(sc->items[0].andor.pipes[0].stages[0].redirs->body, "body\n") == 0,
	       "here-document body between '|' and the next stage");
	arena_free(&a);
}

/* The grammar of POSIX XCU 2.10: one tree per construct. */
static void test_compound(void)
{
	good("if a; then b; fi", "if{a}then{b}");
	good("if a\nthen b\nelif c; then d\nelse e\nfi", "if{a}then{b}else{if{c}then{d}else{e}}");
	good("while a; do b; c; done", "while{a}do{b ;; c}");
	good("until a; do b; done", "until{a}do{b}");
	good("for i in a 'b c' $x; do echo $i; done", "for i in a 'b c' $x{echo $i}");
	good("for i; do b; done", "for i{b}");
	good("for i do b; done", "for i{b}");
	/* bash's (( )) and for (( ; ; )) */
	good("((x = y + 1))", "arith[$((x = y + 1))]");
	good("(( x++ )) && echo y", "arith[$(( x++ ))] && echo y");
	good("((a); (b))", "((a) ;; (b))"); /* not closed by '))': subshells, as bash */
	good("( (a) )", "((a))");
	good("(( ))", "arith[]");
	good("(( $(echo \")\") + 1 ))", "arith[$(( $(echo \")\") + 1 ))]");
	good("(( x \\\n+ 1 ))", "arith[$(( x + 1 ))]");
	good("for ((i = 0; i < 3; i++)); do echo $i; done", "for(($((i = 0));$(( i < 3));$(( i++)))){echo $i}");
	good("for ((;;))\ndo b; done", "for((;;)){b}");
	good("for (( i=0; i<2; i++ )) do b; done", "for(($(( i=0));$(( i<2));$(( i++ )))){b}");
	good("for ((i = \"$(echo ';')\"; ; )); do b; done", "for(($((i = \"$(echo ';')\"));;)){b}");
	bad("for ((i=0; i<3)); do b; done", 1, 5, false, "needs three expressions");
	bad("for ((a;b;c;d)); do b; done", 1, 5, false, "needs three expressions");
	bad("((x", 1, 4, true, "unexpected end of file");
	good("for i\nin a\ndo b\ndone", "for i in a{b}");
	good("for i in; do b; done", "for i in{b}");
	good("case $x in a|b) c;; (d) e;& *) ;; esac", "case $x{a|b){c};;d){e};&*){};;}");
	good("case x in\n a) b\nesac", "case x{a){b};;}");
	good("case x in esac", "case x{}");
	good("case x in a) b;;& c) d; esac", "case x{a){b};;&c){d};;}");
	good("{ a; b; }", "{a ;; b}");
	good("(a; b)", "(a ;; b)");
	good("( (a) )", "((a))");
	good("f() { a; }", "f(){a}");
	good("f()\n{ a; } > out", "f(){a} <1>out>");
	good("function g { a; }", "g(){a}");
	good("function g() ( a )", "g()(a)");
	good("foo-bar() { a; }", "foo-bar(){a}");
	good("{ a; } 2>&1 >out | b", "{a} <2>&1> <1>out> | b");
	good("while read -r l; do b; done < f |[shm] sort", "while{read -r l}do{b} <0<f> |[shm] sort");
	good("! { a; } && (b) || if c; then d; fi &", "! {a} && (b) || if{c}then{d} &");
	good("if a; then b; fi; c", "if{a}then{b} ;; c");
	good("if a; then b; fi\nc", "if{a}then{b} ;; c");
	/* Reserved words only where POSIX says: */
	good("echo if then fi done { }", "echo if then fi done { }");
	good("a=if b", "A:a=if b");
	good("x for", "x for");
	good("{ echo }; }", "{echo }}");
	good("'if' a", "'if' a");
	good("case in in in) echo in;; esac", "case in{in){echo in};;}");
	good("if a; then cat <<E; fi\nbody\nE\n", "if{a}then{cat <0<<E{body\n}>}");
	/* $$ then '(' is the pid and an operator, not a command substitution. */
	bad("echo $$(echo)", 1, 8, false, "near '('");
	good("echo \"$$(\"", "echo \"$$(\"");
	/* The grammar, not a count of parentheses, closes $( ). */
	good("echo $(case x in x) echo y;; esac) z", "echo $(case x in x) echo y;; esac) z");
	good("echo \"$(case x in (a|b) ;; esac)\"", "echo \"$(case x in (a|b) ;; esac)\"");
	good("a=$(f() { echo ')'; }; f)", "A:a=$(f() { echo ')'; }; f)");
}

static void test_compound_bad(void)
{
	bad("if a; then b", 1, 13, true, "unexpected end of file");
	bad("if a; then b; fi fi", 1, 18, false, "near 'fi'");
	bad("while a; do done", 1, 13, false, "near 'done'");
	bad("if a; then fi", 1, 12, false, "near 'fi'");
	bad("fi", 1, 1, false, "near 'fi'");
	bad("{ a; } b", 1, 8, false, "near 'b'");
	bad("{ a }", 1, 6, true, "unexpected end of file");
	bad("( )", 1, 3, false, "near ')'");
	bad("for 1 in a; do b; done", 1, 5, false, "not a valid name");
	bad("case x in a) b;; c", 1, 19, true, "unexpected end of file");
	bad("case x in a b) c;; esac", 1, 13, false, "near 'b'");
	bad("f() a", 1, 5, false, "must be a compound command");
	bad("a b() { c; }", 1, 4, false, "near '('");
	bad("done", 1, 1, false, "near 'done'");
	bad("if a; then b; fi |", 1, 19, true, "unexpected end of file");
	bad("echo ok\nwhile a; do b; dne\n", 3, 1, true, "unexpected end of file");
	/* Deep nesting is an error, never a crash. */
	struct strbuf sb = {0};
	for (int i = 0; i < 10000; i++)
		sb_adds(&sb, "( ");
	struct arena a = {0};
	struct parse_error err;
	TAP_OK(!parse_script(&a, sb.buf, sb.len, 1, &err) && strstr(err.msg, "nested too deeply"),
	       "10000 nested ( are refused");
	arena_free(&a);
	sb.len = 0;
	for (int i = 0; i < 10000; i++)
		sb_adds(&sb, "if a; then ");
	TAP_OK(!parse_script(&a, sb.buf, sb.len, 1, &err) && strstr(err.msg, "nested too deeply"),
	       "10000 nested if are refused");
	arena_free(&a);
	sb.len = 0;
	for (int i = 0; i < 10000; i++)
		sb_adds(&sb, "{ ");
	TAP_OK(!parse_script(&a, sb.buf, sb.len, 1, &err) && strstr(err.msg, "nested too deeply"),
	       "10000 nested { are refused");
	arena_free(&a);
	sb_free(&sb);
}

static const char *test_alias(const char *name)
{
	static const char *const tab[][2] = {
		{"ll", "ls -l"}, {"q", "'quoted word'"}, {"sudo", "doas "}, {"rec", "rec x"},
		{"a", "b"}, {"b", "a y"}, {"loop", "while true; do"}, {"redir", ">out"},
		{"nx", "echo "}, {"w", "world"},
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(tab[i][0], name) == 0)
			return tab[i][1];
	return NULL;
}

/* Alias substitution (POSIX 2.3.1) in command position only. */
static void test_aliases(void)
{
	parse_alias_lookup = test_alias;
	good("ll /tmp", "ls -l /tmp");
	good("echo ll", "echo ll");
	good("q arg", "'quoted word' arg");
	good("'ll'", "'ll'");
	good("x=1 ll", "A:x=1 ls -l");
	good("sudo ll", "doas ls -l");
	good("nx w w", "echo world w");
	good("rec", "rec x");
	good("a", "a y");
	good("loop echo; done", "while{true}do{echo}");
	good("ll | ll && ll; ll", "ls -l | ls -l && ls -l ;; ls -l");
	good("if ll; then ll; fi", "if{ls -l}then{ls -l}");
	good("redir", "<1>out>");
	/* $( ) ends where the source says, aliases substituted inside or not. */
	good("echo $(ll; sudo ll) x", "echo $(ll; sudo ll) x");
	bad("ll )", 1, 7, false, "near ')'");
	parse_alias_lookup = NULL;
	good("ll /tmp", "ll /tmp");
}

/* ---- typed words: every word is parsed into its parts once, here ---- */

static struct ast_script *parse1(struct arena *a, const char *src)
{
	struct parse_error err;
	struct ast_script *sc = parse_script(a, src, strlen(src), 1, &err);
	if (!sc)
		printf("#   error %d:%d %s\n", err.line, err.column, err.msg);
	return sc;
}

static const struct ast_cmd *first_cmd(const struct ast_script *sc)
{
	return &sc->items[0].andor.pipes[0].stages[0];
}

/* The parts of word i of src's first command, as word_dump() shows them. */
static void word_parts(const char *src, size_t i, const char *want)
{
	struct arena a = { 0 };
	struct ast_script *sc = parse1(&a, src);
	struct strbuf sb = { 0 };
	sb_adds(&sb, "");
	if (sc && first_cmd(sc)->nwords > i)
		word_dump(first_cmd(sc)->words[i], &sb);
	TAP_OK(sc && strcmp(sb.buf, want) == 0, "word %zu of %s is %s", i, esc(src), want);
	if (strcmp(sb.buf, want) != 0)
		printf("#   got  [%s]\n", sb.buf);
	sb_free(&sb);
	arena_free(&a);
}

/* The first command substitution in a word's parts (depth first). */
static const struct word_part *find_cmdsub(const struct word_part *pt)
{
	for (; pt; pt = pt->next) {
		if (pt->kind == WORD_CMDSUB)
			return pt;
		if (pt->kind == WORD_DQUOTE) {
			const struct word_part *in = find_cmdsub(pt->u.dq.head);
			if (in)
				return in;
		}
		if (pt->kind == WORD_PARAM && pt->u.param.arg) {
			const struct word_part *in = find_cmdsub(pt->u.param.arg->head);
			if (in)
				return in;
		}
	}
	return NULL;
}

/* Word i of src's first command holds a command substitution whose
 * program is already parsed, with the dump want, its first command on
 * line `line`. */
static void cmdsub_tree(const char *src, size_t i, const char *want, int line)
{
	struct arena a = { 0 };
	struct ast_script *sc = parse1(&a, src);
	const struct word_part *c = sc && first_cmd(sc)->nwords > i
		? find_cmdsub(first_cmd(sc)->words[i]->head) : NULL;
	const struct ast_script *t = c ? c->u.cmd.tree : NULL;
	char *d = t ? dump(t) : NULL;
	bool ok = d && strcmp(d, want) == 0 && t->nitems && t->items[0].line == line;
	TAP_OK(ok, "$( ) in %s is parsed: %s (line %d)", esc(src), want, line);
	if (!ok)
		printf("#   got  [%s] line %d\n", d ? d : "(no tree)", t && t->nitems ? t->items[0].line : 0);
	free(d);
	arena_free(&a);
}

static void test_typed_words(void)
{
	word_parts("echo a\"b $x\"'c'", 1, "L(a) D[Q(b ) P(x)] Q(c)");
	word_parts("echo ${x:-\"a b\"}", 1, "P(x:-[D[Q(a b)]])");
	word_parts("echo ~/d", 1, "T() L(/d)");
	word_parts("export P=~/b:~/c", 1, "L(P=) T() L(/b:) T() L(/c)");
	word_parts("echo $((1+$n))", 1, "A[L(1+) P(n)]");
	cmdsub_tree("echo $(a | b; c)", 1, "a | b ;; c", 1);
	cmdsub_tree("echo \"x $(a && b)\"", 1, "a && b", 1);
	cmdsub_tree("echo `a | b`", 1, "a | b", 1);
	cmdsub_tree("echo ${u:-$(f x)}", 1, "f x", 1);
	cmdsub_tree("echo \"a\nb\" $(\n\nc)", 2, "c", 4);
	cmdsub_tree("echo $(case x in x) echo $(y);; esac)", 1,
		    "case x{x){echo $(y)};;}", 1);
	/* nested: the inner program is parsed too */
	{
		struct arena a = { 0 };
		struct ast_script *sc = parse1(&a, "echo $(echo $(inner arg))");
		const struct word_part *o = sc ? find_cmdsub(first_cmd(sc)->words[1]->head) : NULL;
		const struct word_part *in = o && o->u.cmd.tree
			? find_cmdsub(first_cmd(o->u.cmd.tree)->words[1]->head) : NULL;
		char *d = in && in->u.cmd.tree ? dump(in->u.cmd.tree) : NULL;
		TAP_OK(d && strcmp(d, "inner arg") == 0, "a $( ) inside a $( ) has its program");
		free(d);
		arena_free(&a);
	}
	/* redirection targets, assignments, case words, here-document bodies */
	{
		struct arena a = { 0 };
		struct ast_script *sc = parse1(&a, "A=$v cat >\"$f\" <<E\n$x y\nE\ncat <<'Q'\n$z\nQ\n");
		struct strbuf sb = { 0 };
		const struct ast_cmd *c = sc ? first_cmd(sc) : NULL;
		if (c) {
			word_dump(c->assigns[0], &sb);
			sb_adds(&sb, " | ");
			word_dump(c->redirs->target, &sb);
			sb_adds(&sb, " | ");
			word_dump(c->redirs->next->bodyw, &sb);
		}
		TAP_OK(c && strcmp(sb.buf, "L(A=) P(v) | D[P(f)] | P(x) Q( y\n)") == 0,
		       "assignment, target and here-document body are typed words");
		const struct ast_cmd *q = sc && sc->nitems > 1 ? first_cmd(&(struct ast_script){1, &sc->items[1]}) : NULL;
		TAP_OK(q && q->redirs->body_quoted && !q->redirs->bodyw,
		       "a quoted here-document body stays text");
		sb_free(&sb);
		arena_free(&a);
	}
	{
		struct arena a = { 0 };
		struct ast_script *sc = parse1(&a, "case $w in a*|\"b\") ;; esac");
		struct strbuf sb = { 0 };
		const struct ast_case *cs = sc ? first_cmd(sc)->u.case_ : NULL;
		if (cs) {
			word_dump(cs->word, &sb);
			sb_adds(&sb, " | ");
			word_dump(cs->items[0].pats[0], &sb);
			sb_adds(&sb, " | ");
			word_dump(cs->items[0].pats[1], &sb);
		}
		TAP_OK(cs && strcmp(sb.buf, "P(w) | L(a*) | D[Q(b)]") == 0,
		       "case word and patterns are typed words (got %s)", sb.buf ? sb.buf : "");
		sb_free(&sb);
		arena_free(&a);
	}
	/* a word the word parser refuses is kept, marked, for a run-time error */
	{
		struct arena a = { 0 };
		struct ast_script *sc = parse1(&a, "echo ${}; echo ok");
		const struct word *w = sc ? first_cmd(sc)->words[1] : NULL;
		TAP_OK(w && w->bad && !w->head && strcmp(w->raw, "${}") == 0,
		       "a bad substitution parses, marked bad, for the expander to report");
		arena_free(&a);
	}
}

int main(void)
{
	test_aliases();
	test_compound();
	test_compound_bad();
	test_lists();
	test_words();
	test_typed_words();
	test_assign_redir();
	test_edges();
	test_remote();
	test_heredocs();
	test_bad();
	test_nul_and_depth();
	test_text_lines();
	test_cmdsubst_end();
	test_first_line();
	return tap_done();
}
