/* fuzz_parse.c — libFuzzer target for the parser: any bytes must give a
 * well-formed script or a well-formed error (never a crash, hang or leak):
 * typed words whose command substitutions have their programs, and the
 * scanners used by the expander stay inside their input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_script(const struct ast_script *sc);

/* Every command substitution in the parts has its program, itself well
 * formed: the lexer checked it, so parsing it again cannot fail. */
static void check_parts(const struct word_part *pt)
{
	for (; pt; pt = pt->next) {
		switch (pt->kind) {
		case WORD_DQUOTE:
			check_parts(pt->u.dq.head);
			break;
		case WORD_PARAM:
			if (pt->u.param.arg)
				check_parts(pt->u.param.arg->head);
			if (pt->u.param.arg2)
				check_parts(pt->u.param.arg2->head);
			break;
		case WORD_ARITH:
			check_parts(pt->u.arith.expr->head);
			break;
		case WORD_CMDSUB:
			if (pt->u.cmd.tree) {
				check_script(pt->u.cmd.tree);
				break;
			}
			/* Without a program only when its text does not parse
			 * by itself, and only for two reasons, which are errors
			 * when it runs (as in bash): a here-document whose body
			 * would follow the ')', or a `…` whose text, un-escaped
			 * inside "…" (\" is "), does not parse. */
			{
				struct arena a = { 0 };
				struct parse_error err;
				if (parse_script(&a, pt->u.cmd.src, pt->u.cmd.len, 1, &err) ||
				    (!pt->u.cmd.backquote && !strstr(err.msg, "here-document")))
					__builtin_trap();
				arena_free(&a);
			}
			break;
		default:
			break;
		}
	}
}

/* A word of the tree: the word parser never finds it unterminated where
 * the lexer found its end (the two scanners agree); and its raw text read
 * back as an argument is the same single word. (As an argument, so that a
 * word such as `elif` or `!`, special in command position, is still
 * checked.) */
static void check_word(const struct word *word)
{
	if (word->bad) {
		struct arena a = { 0 };
		struct parse_error err;
		if (!word_parse(&a, word->raw, word->rawlen, 1, 1, WORD_F_ASSIGN_WORD, &err) &&
		    err.incomplete)
			__builtin_trap();
		arena_free(&a);
	}
	check_parts(word->head);
	const char *w = word->raw;
	size_t n = strlen(w);
	char *src = malloc(n + 3);
	if (!src)
		__builtin_trap();
	memcpy(src, "x ", 2);
	memcpy(src + 2, w, n + 1);
	struct arena a = { 0 };
	struct parse_error err;
	struct ast_script *sc = parse_script(&a, src, n + 2, 1, &err);
	if (!sc || sc->nitems != 1 || sc->items[0].andor.n != 1)
		__builtin_trap();
	const struct ast_pipeline *pl = &sc->items[0].andor.pipes[0];
	const struct ast_cmd *st = &pl->stages[0];
	if (pl->nstages != 1 || st->redirs || st->nassigns || st->nwords != 2 ||
	    strcmp(st->words[1]->raw, w) != 0)
		__builtin_trap();
	arena_free(&a);
	free(src);
}


/* The expression of (( )) or of a for (( ; ; )): "$((…))", one part (or
 * a bad word, told when it runs). */
static void check_arith(const struct word *w)
{
	if (strncmp(w->raw, "$((", 3) != 0 ||
	    (!w->bad && (!w->head || w->head->next || w->head->kind != WORD_ARITH)))
		__builtin_trap();
	check_parts(w->head);
}

/* A compound command: every list it holds is well formed; the lists that
 * POSIX requires to be non-empty are. */
static void check_compound(const struct ast_cmd *c)
{
	if (!c->text || c->nwords || c->nassigns || c->remote)
		__builtin_trap();
	switch (c->kind) {
	case CMD_GROUP:
	case CMD_SUBSHELL:
		if (!c->u.body->nitems)
			__builtin_trap();
		check_script(c->u.body);
		break;
	case CMD_IF:
		if (!c->u.if_->cond->nitems || !c->u.if_->then->nitems)
			__builtin_trap();
		check_script(c->u.if_->cond);
		check_script(c->u.if_->then);
		if (c->u.if_->els)
			check_script(c->u.if_->els);
		break;
	case CMD_WHILE:
	case CMD_UNTIL:
		if (!c->u.loop->cond->nitems || !c->u.loop->body->nitems)
			__builtin_trap();
		check_script(c->u.loop->cond);
		check_script(c->u.loop->body);
		break;
	case CMD_FOR:
		if (c->u.for_->arith) {
			/* for (( ; ; )): no name, no words, each expression a
			 * word of one $(( )) part */
			const struct word *w[3] = {c->u.for_->init, c->u.for_->cond, c->u.for_->step};
			if (c->u.for_->name || c->u.for_->nwords || !c->u.for_->body->nitems)
				__builtin_trap();
			for (int k = 0; k < 3; k++)
				if (w[k])
					check_arith(w[k]);
			check_script(c->u.for_->body);
			break;
		}
		if (!c->u.for_->name || !c->u.for_->body->nitems || (!c->u.for_->has_in && c->u.for_->nwords))
			__builtin_trap();
		for (size_t i = 0; i < c->u.for_->nwords; i++)
			check_word(c->u.for_->words[i]);
		check_script(c->u.for_->body);
		break;
	case CMD_CASE:
		check_parts(c->u.case_->word->head);
		for (size_t i = 0; i < c->u.case_->nitems; i++) {
			if (!c->u.case_->items[i].npats)
				__builtin_trap();
			for (size_t k = 0; k < c->u.case_->items[i].npats; k++)
				check_parts(c->u.case_->items[i].pats[k]->head);
			check_script(c->u.case_->items[i].body);
		}
		break;
	case CMD_FUNCDEF:
		if (!c->u.func->name || !c->u.func->body || c->u.func->body->kind == CMD_SIMPLE ||
		    c->u.func->body->kind == CMD_FUNCDEF)
			__builtin_trap();
		check_compound(c->u.func->body);
		break;
	case CMD_ARITH:
		if (c->u.arith)
			check_arith(c->u.arith);
		break;
	case CMD_SIMPLE:
		__builtin_trap();
	}
}

static void check_stage(const struct ast_cmd *st)
{
	if (st->kind != CMD_SIMPLE) {
		check_compound(st);
		return;
	}
	if (st->nwords + st->nassigns == 0 && !st->redirs)
		__builtin_trap();
	if (st->remote && (!*st->remote || st->nwords == 0))
		__builtin_trap();
	for (size_t i = 0; i < st->nwords; i++)
		check_word(st->words[i]);
	for (size_t i = 0; i < st->nassigns; i++)
		if (!strchr(st->assigns[i]->raw, '='))
			__builtin_trap();
	for (const struct ast_redir *r = st->redirs; r; r = r->next) {
		if (!r->word || r->fd < 0 || (r->op == REDIR_HEREDOC) != (r->body != NULL) ||
		    (r->op != REDIR_HEREDOC && !r->target) ||
		    (r->op == REDIR_HEREDOC && !r->body_quoted && !r->bodyw))
			__builtin_trap();
		if (r->target)
			check_parts(r->target->head);
	}
}

static void check_script(const struct ast_script *sc)
{
	for (size_t i = 0; i < sc->nitems; i++) {
		const struct ast_item *it = &sc->items[i];
		if (!it->text || it->andor.n < 1 || it->andor.ops[0] != ANDOR_NONE)
			__builtin_trap();
		for (size_t j = 0; j < it->andor.n; j++) {
			const struct ast_pipeline *pl = &it->andor.pipes[j];
			if (!pl->text || pl->nstages < 1 || (j && it->andor.ops[j] == ANDOR_NONE))
				__builtin_trap();
			/* `!` or `time` alone (bash) is one empty simple stage */
			const struct ast_cmd *s0 = &pl->stages[0];
			/* (`! !` inverts twice: its text, not bang, shows the prefix;
			 * `t\⏎ime` is `time`, which its text does not show) */
			bool null_cmd = pl->nstages == 1 &&
					(pl->text[0] == '!' || pl->timed) &&
					s0->kind == CMD_SIMPLE &&
					!s0->nwords && !s0->nassigns && !s0->redirs && !s0->remote;
			for (size_t k = 0; k < pl->nstages && !null_cmd; k++)
				check_stage(&pl->stages[k]);
			for (size_t k = 0; k + 1 < pl->nstages; k++)
				if (pl->edges[k].kind >= EDGE__COUNT)
					__builtin_trap();
		}
	}
}

/* A few aliases, so that alias substitution is fuzzed too: one that ends
 * in a blank, one that opens a compound command, one that recurses. */
static const char *fuzz_alias(const char *name)
{
	if (strcmp(name, "al") == 0)
		return "echo ";
	if (strcmp(name, "lp") == 0)
		return "while al; do";
	if (strcmp(name, "rc") == 0)
		return "rc al";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_alias_lookup = fuzz_alias;
	struct arena a = { 0 };
	struct parse_error err;
	const char *src = (const char *)data;
	struct ast_script *sc = parse_script(&a, src, size, 1, &err);
	if (sc)
		check_script(sc);
	else if (err.line < 1 || err.column < 1 || !memchr(err.msg, '\0', sizeof err.msg) ||
		 strncmp(err.msg, "syntax error", 12) != 0)
		__builtin_trap();
	long e = parse_cmdsubst_end(src, size);
	long b = parse_brace_end(src, size);
	if (e >= (long)size || e < -1 || b >= (long)size || b < -1)
		__builtin_trap();
	arena_free(&a);
	return 0;
}
