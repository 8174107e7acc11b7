/* bench.c — transitional: the engine lands with the --bench issue. */
#include "bench.h"

#include "../util/util.h"

int bench_main(int argc, char **argv)
{
	(void)argc, (void)argv;
	msg_err("--bench: not available yet in this build");
	return 2;
}
