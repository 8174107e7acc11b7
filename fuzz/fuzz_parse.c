/* fuzz_parse.c — libFuzzer target for the parser: any bytes must give a
 * script or an error (never a crash, hang or leak), and parse_cmdsubst_end
 * must stay inside its input. */
#include <stdint.h>
#include <string.h>

#include "parse/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = { 0 };
	struct parse_error err;
	const char *src = (const char *)data;
	struct ast_script *sc = parse_script(&a, src, size, 1, &err);
	if (!sc && (err.line < 1 || err.column < 1 || !memchr(err.msg, '\0', sizeof err.msg) ||
		    strncmp(err.msg, "syntax error", 12) != 0))
		__builtin_trap();
	long e = parse_cmdsubst_end(src, size);
	if (e >= (long)size || e < -1)
		__builtin_trap();
	arena_free(&a);
	return 0;
}
