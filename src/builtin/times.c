/* times.c — times: user and system time of the shell, then of its
 * children, one line each, as POSIX says ("0m0.003s 0m0.000s"). */
#include <sys/times.h>
#include <unistd.h>

#include "../util/util.h"
#include "internal.h"

static void add_pair(struct strbuf *sb, clock_t u, clock_t s, long hz)
{
	clock_t t[2] = {u, s};
	for (int k = 0; k < 2; k++) {
		long ms = (long)((double)t[k] * 1000.0 / (double)hz);
		sb_addf(sb, "%ldm%ld.%03lds%c", ms / 60000, ms / 1000 % 60, ms % 1000, k ? '\n' : ' ');
	}
}

int bi_times(int argc, char **argv)
{
	struct bopt g = BOPT_INIT;
	if (builtin_getopt(&g, argc, argv, "") != -1)
		return 2;
	struct tms t;
	long hz = sysconf(_SC_CLK_TCK);
	if (times(&t) == (clock_t)-1 || hz <= 0) {
		msg_errno("times");
		return 1;
	}
	struct strbuf sb = {0};
	add_pair(&sb, t.tms_utime, t.tms_stime, hz);
	add_pair(&sb, t.tms_cutime, t.tms_cstime, hz);
	out_printf("%s", sb.buf);
	sb_free(&sb);
	return 0;
}
