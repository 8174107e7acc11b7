/* fuzz_expand.c — libFuzzer target for the word parser and the expander:
 * any text parses to a typed word or to an error with a position, and a
 * word expands (into fields, one string, a pattern, a here-document) or
 * fails with a message — never a crash, undefined behaviour, a leak or a
 * hang. Command substitutions run nothing: they expand to a fixed text.
 * The first byte picks the parse flags and whether globbing is on; with
 * its top bit, the text is a script instead, and every word the lexer
 * delimits must be complete for word_parse() too (the two scanners agree
 * on where constructs end: an "unterminated" error there is a bug). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/expand.h"
#include "exec/shell.h"
#include "parse/parse.h"
#include "parse/word.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *no_capture(const struct word_part *cmd)
{
	(void)cmd;
	return strdup("out put\n*");
}

static void setup(void)
{
	static bool done;
	static char *params[] = { "a b", "", "*", "c:d" };
	if (done)
		return;
	done = true;
	expand_capture = no_capture;
	params_set(params, 4);
	var_set("HOME", "/h", 0);
	var_set("x", "hello world", 0);
	var_set("e", "", 0);
	var_set("n", "1+2", 0);
	var_set("IFS", " :_", 0);
}

static void check_words(struct arena *a, const struct ast_script *sc)
{
	for (size_t i = 0; i < sc->nitems; i++) {
		const struct ast_item *it = &sc->items[i];
		for (size_t j = 0; j < it->andor.n; j++) {
			const struct ast_pipeline *pl = &it->andor.pipes[j];
			for (size_t k = 0; k < pl->nstages; k++) {
				/* simple commands at the top level */
				const struct ast_cmd *st = &pl->stages[k];
				for (size_t m = 0; m < st->nwords; m++) {
					struct parse_error err;
					const struct word *w = st->words[m];
					if (w->bad && !word_parse(a, w->raw, w->rawlen, 1, 1, 0, &err) &&
					    err.incomplete)
						__builtin_trap();
				}
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 512)
		return 0;
	setup();
	unsigned mode = data[0];
	const char *raw = (const char *)data + 1;
	size_t len = size - 1;
	if (memchr(raw, '\0', len))
		return 0; /* words are C strings */
	struct arena a = {0};
	struct parse_error err;
	if (mode & 0x80) {
		struct ast_script *sc = parse_script(&a, raw, len, 1, &err);
		if (sc)
			check_words(&a, sc);
		arena_free(&a);
		return 0;
	}
	unsigned flags = mode & (WORD_F_ASSIGN | WORD_F_ASSIGN_WORD | WORD_F_HEREDOC | WORD_F_NO_TILDE);
	struct word *w = word_parse(&a, raw, len, 1, 1, flags, &err);
	if (!w) {
		if (!err.msg[0] || err.line < 1 || err.column < 1)
			__builtin_trap();
		arena_free(&a);
		return 0;
	}
	struct strbuf dump = {0};
	word_dump(w, &dump);
	sb_free(&dump);
	sh.opt_f = !(mode & 0x10);
	struct strvec out = {0};
	if (mode & 0x20)
		(void)expand_word_pattern(&a, w);
	else if (mode & 0x40)
		(void)expand_word_single(&a, w);
	else
		(void)expand_word_fields(&a, w, &out);
	arena_free(&a);
	return 0;
}
