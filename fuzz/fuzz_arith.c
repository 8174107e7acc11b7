/* fuzz_arith.c — libFuzzer target for the evaluator of $(( )): any text
 * gives a value or an error message (never a crash, a hang, undefined
 * behaviour such as signed overflow, or unbounded recursion). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec/arith.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	long v;
	struct errbuf e = {{0}};
	if (arith_eval(s, &v, &e) < 0 && !e.msg[0])
		__builtin_trap();
	free(s);
	return 0;
}
