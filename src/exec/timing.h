/* timing.h — the `time` reserved word (bash's): real, user and system time
 * of a whole pipeline, every stage and relay included, in TIMEFORMAT. */
#ifndef IPCSH_TIMING_H
#define IPCSH_TIMING_H

#include <stdint.h>

#include "../parse/ast.h"
#include "../util/util.h"

/* A point in time: the clock, and the CPU time of the shell plus that of
 * every child reaped so far (getrusage SELF + CHILDREN, as bash). */
struct timing {
	uint64_t real_ns;
	uint64_t user_us, sys_us;
};

/* Take the point before the pipeline runs. */
void timing_start(struct timing *t);

/* Print the times since t to stderr: TIME_POSIX in POSIX's format, else
 * in $TIMEFORMAT (bash's default when unset; nothing when empty). */
void timing_report(const struct timing *t, enum time_kind kind);

/* Expand a TIMEFORMAT text for real/user/sys durations in microseconds
 * into sb (bash's %[p][l]R, U, S, E, %P, %%), without the final newline.
 * Returns 0, or -1 with the offending character in *bad. */
int timing_format(struct strbuf *sb, const char *fmt, uint64_t real_us, uint64_t user_us,
		  uint64_t sys_us, char *bad) __attribute__((warn_unused_result));

#endif
