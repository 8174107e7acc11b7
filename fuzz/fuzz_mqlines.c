/* fuzz_mqlines.c — the mq message cutter against the relay model and the
 * rules of SPEC §4 (tests/unit/mqlines_check.h). Input: byte 0 picks
 * msgsize (1..64), byte 1 raw/lines, bytes 2..9 the chunking seed, the
 * rest is the stream. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/mqlines_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 10)
		return 0;
	size_t msgsize = 1 + data[0] % 64;
	bool lines = data[1] & 1;
	uint64_t seed;
	memcpy(&seed, data + 2, sizeof seed);
	size_t n;
	if (mqc_run(data + 10, size - 10, msgsize, lines, seed, &n))
		abort();
	return 0;
}
