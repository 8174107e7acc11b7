/* ulimit.c — ulimit: resource limits of the shell and what it starts. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../util/util.h"
#include "internal.h"

static const struct {
	char opt;
	int res;
	unsigned long unit; /* bytes per unit shown (1: a count) */
	const char *what;
} ulimits[] = {
	{'c', RLIMIT_CORE, 1024, "core file size (blocks)"},
	{'d', RLIMIT_DATA, 1024, "data seg size (kbytes)"},
	{'f', RLIMIT_FSIZE, 1024, "file size (blocks)"},
	{'l', RLIMIT_MEMLOCK, 1024, "max locked memory (kbytes)"},
	{'m', RLIMIT_RSS, 1024, "max memory size (kbytes)"},
	{'n', RLIMIT_NOFILE, 1, "open files"},
	{'q', RLIMIT_MSGQUEUE, 1, "POSIX message queues (bytes)"},
	{'s', RLIMIT_STACK, 1024, "stack size (kbytes)"},
	{'t', RLIMIT_CPU, 1, "cpu time (seconds)"},
	{'u', RLIMIT_NPROC, 1, "max user processes"},
	{'v', RLIMIT_AS, 1024, "virtual memory (kbytes)"},
};

static void ulimit_print(size_t k, bool hard, bool label)
{
	struct rlimit rl;
	if (getrlimit(ulimits[k].res, &rl) < 0)
		return;
	rlim_t v = hard ? rl.rlim_max : rl.rlim_cur;
	if (label)
		out_printf("%-32s(-%c) ", ulimits[k].what, ulimits[k].opt);
	if (v == RLIM_INFINITY)
		out_printf("unlimited\n");
	else
		out_printf("%llu\n", (unsigned long long)(v / ulimits[k].unit));
}

/* ulimit [-H|-S] [-a | -cdflmnqstuv] [LIMIT|unlimited]: as bash (sizes in
 * KiB, -c and -f in 1024-byte blocks); setting changes the soft limit, or
 * with -H the hard one, and without -H or -S both. Default: -f. */
int bi_ulimit(int argc, char **argv)
{
	bool hard = false, soft = false, all = false;
	size_t which = 2; /* -f */
	struct bopt g = BOPT_INIT;
	int c;
	while ((c = builtin_getopt(&g, argc, argv, "HSacdflmnqstuv")) != -1) {
		if (c == '?')
			return 2;
		if (c == 'H') {
			hard = true;
		} else if (c == 'S') {
			soft = true;
		} else if (c == 'a') {
			all = true;
		} else {
			which = 0;
			while (ulimits[which].opt != c)
				which++;
		}
	}
	int i = g.ind;
	if (all) {
		for (size_t k = 0; k < ARRAY_LEN(ulimits); k++)
			ulimit_print(k, hard && !soft, true);
		return 0;
	}
	if (i >= argc) {
		ulimit_print(which, hard && !soft, false);
		return 0;
	}
	rlim_t v;
	if (strcmp(argv[i], "unlimited") == 0) {
		v = RLIM_INFINITY;
	} else {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(argv[i], &end, 10);
		if (errno || *end || !*argv[i] || argv[i][0] == '-' ||
		    n > (unsigned long long)RLIM_INFINITY / ulimits[which].unit) {
			msg_err("ulimit: %s: invalid limit", argv[i]);
			return 1;
		}
		v = (rlim_t)n * ulimits[which].unit;
	}
	struct rlimit rl;
	if (getrlimit(ulimits[which].res, &rl) < 0) {
		msg_errno("ulimit");
		return 1;
	}
	if (hard || !soft)
		rl.rlim_max = v;
	if (soft || !hard)
		rl.rlim_cur = v;
	if (setrlimit(ulimits[which].res, &rl) < 0) {
		msg_errno("ulimit: %s", ulimits[which].what);
		return 1;
	}
	return 0;
}
