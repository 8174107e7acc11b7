/* remote_client.c — runs one remote stage through remote_stage_run(), the
 * way the executor does for `@TARGET cmd`, for tests/remote.bats.
 * usage: remote_client [-k KEYFILE] [-e NAME=VALUE]... TARGET CMD [ARG...] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "remote/remote.h"
#include "util/util.h"

int main(int argc, char **argv)
{
	/* As the executor does for a foreground stage: a background job of a
	 * non-interactive shell (bats) would otherwise inherit SIGINT ignored. */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	const char *key = NULL;
	char **assigns = xcalloc((size_t)argc + 1, sizeof *assigns);
	size_t n = 0;
	int c;
	while ((c = getopt(argc, argv, "+k:e:")) != -1) {
		if (c == 'k')
			key = optarg;
		else if (c == 'e')
			assigns[n++] = optarg;
		else
			return 2;
	}
	if (argc - optind < 2) {
		fputs("usage: remote_client [-k KEYFILE] [-e NAME=VALUE]... TARGET CMD [ARG...]\n",
		      stderr);
		return 2;
	}
	struct remote_stage rs = {.target = argv[optind], .argv = argv + optind + 1,
				  .assigns = assigns, .keyfile = key};
	int st = remote_stage_run(&rs);
	free(assigns);
	_exit(st);
}
