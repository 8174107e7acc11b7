/* test_procsub.c — process substitution in the parser: where the lexer
 * ends a word that holds <(…) >(…) <[EDGE](…) >[EDGE](…), and the syntax
 * errors of a bad edge spec or an unterminated body, with their positions.
 * The typed part the word parser makes of one is in test_word.c. */
#include <stdio.h>
#include <string.h>

#include "parse/parse.h"
#include "tap.h"

/* The words and redirections of the first simple command, as
 * "w1|w2|<target" (a redirection as its operator and raw target). */
static void words(const char *src, const char *want)
{
	struct arena a = {0};
	struct parse_error err;
	struct ast_script *sc = parse_script(&a, src, strlen(src), 1, &err);
	struct strbuf sb = {0};
	sb_add(&sb, "", 0);
	if (sc && sc->nitems) {
		const struct ast_cmd *c = &sc->items[0].andor.pipes[0].stages[0];
		for (size_t i = 0; i < c->nwords; i++)
			sb_addf(&sb, "%s%s", i ? "|" : "", c->words[i]->raw);
		for (size_t i = 0; i < c->nassigns; i++)
			sb_addf(&sb, "|A:%s", c->assigns[i]->raw);
		for (const struct ast_redir *r = c->redirs; r; r = r->next)
			sb_addf(&sb, "|%d%s%s", r->fd, r->op == REDIR_IN ? "<" : ">", r->word);
	}
	TAP_OK(sc && strcmp(sb.buf, want) == 0, "%s -> %s (got %s%s)", src, want,
	       sc ? sb.buf : "error: ", sc ? "" : err.msg);
	sb_free(&sb);
	arena_free(&a);
}

static void bad(const char *src, int line, int col, bool incomplete, const char *msg)
{
	struct arena a = {0};
	struct parse_error err;
	struct ast_script *sc = parse_script(&a, src, strlen(src), 1, &err);
	TAP_OK(!sc && err.line == line && err.column == col && err.incomplete == incomplete &&
		       strstr(err.msg, msg),
	       "%s fails at %d:%d: %s (got %d:%d %s)", src, line, col, msg, err.line, err.column,
	       err.msg);
	arena_free(&a);
}

int main(void)
{
	/* the lexer: a substitution is (part of) a word, not a redirection */
	words("cat <(echo a) >(wc -l)", "cat|<(echo a)|>(wc -l)");
	words("cat < <(echo a)", "cat|0<<(echo a)");
	words("echo x<(a)y 2>(b)", "echo|x<(a)y|2>(b)");
	words("paste <[shm](sort a) <[mq:lines](sort b)",
	      "paste|<[shm](sort a)|<[mq:lines](sort b)");
	words("cat <(case x in x) echo ')';; esac)", "cat|<(case x in x) echo ')';; esac)");
	words("cat <(cat <(echo in))", "cat|<(cat <(echo in))");
	words("x=<(true) cmd", "cmd|A:x=<(true)");
	words("cat <[abc] >f", "cat|0<[abc]|1>f"); /* no '(': a file named [abc] */
	words("cat 2>&1 <x", "cat|2>1|0<x"); /* 2>&1: a dup, shown as its fd */
	/* errors */
	bad("cat <[nope](x)", 1, 5, false, "unknown transport 'nope'");
	bad("cat >[shm:size=-1](x)", 1, 5, false, "bad value '-1' for option 'size'");
	bad("cat <[pipe:bogus](x)", 1, 5, false, "bogus");
	bad("cat <(echo a", 1, 5, true, "unterminated '<('");
	bad("cat >(echo a", 1, 5, true, "unterminated '>('");
	bad("cat <(echo a;;)", 1, 13, false, "syntax error near ';;'");
	return tap_done();
}
