/* timing.c — the `time` reserved word, as bash prints it.
 *
 * The CPU times are those of the shell and of every child reaped while the
 * pipeline ran (getrusage SELF + CHILDREN, before and after): the stages,
 * the relays of its edges (children of the shell, reaped with the job),
 * and a forked internal stage with everything it waited for. A child still
 * running when the pipeline ends (a kept edge's) is not counted, as in bash.
 *
 * Numbers are formatted as bash's mkfmt(): the fraction is the duration in
 * milliseconds rounded, then cut to the precision asked (0 to 3 digits). */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "shell.h"
#include "timing.h"

#define BASH_TIMEFORMAT "\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS"
#define POSIX_TIMEFORMAT "real %2R\nuser %2U\nsys %2S"

static uint64_t tv_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static void cpu_now(uint64_t *user_us, uint64_t *sys_us)
{
	struct rusage self = {0}, kids = {0};
	if (getrusage(RUSAGE_SELF, &self) < 0 || getrusage(RUSAGE_CHILDREN, &kids) < 0) {
		/* cannot fail for these arguments; zeroes then */
	}
	*user_us = tv_us(self.ru_utime) + tv_us(kids.ru_utime);
	*sys_us = tv_us(self.ru_stime) + tv_us(kids.ru_stime);
}

void timing_start(struct timing *t)
{
	t->real_ns = now_ns();
	cpu_now(&t->user_us, &t->sys_us);
}

/* us as bash's mkfmt: [MINUTESm]SECONDS[.FRACTION][s], prec digits (0-3). */
static void add_seconds(struct strbuf *sb, uint64_t us, int prec, bool lng)
{
	uint64_t sec = us / 1000000, ms = (us % 1000000) / 1000;
	if (us % 1000 >= 500 && ++ms == 1000) {
		ms = 0;
		sec++;
	}
	if (lng) {
		sb_addf(sb, "%llum", (unsigned long long)(sec / 60));
		sec %= 60;
	}
	sb_addf(sb, "%llu", (unsigned long long)sec);
	static const unsigned div[] = {0, 100, 10, 1};
	if (prec > 0)
		sb_addc(sb, '.');
	for (int i = 1; i <= prec; i++) {
		sb_addc(sb, (char)('0' + ms / div[i]));
		ms %= div[i];
	}
	if (lng)
		sb_addc(sb, 's');
}

int timing_format(struct strbuf *sb, const char *fmt, uint64_t real_us, uint64_t user_us,
		  uint64_t sys_us, char *bad)
{
	for (const char *s = fmt; *s; s++) {
		if (*s != '%' || s[1] == '\0') {
			sb_addc(sb, *s);
			continue;
		}
		s++;
		if (*s == '%') {
			sb_addc(sb, '%');
			continue;
		}
		if (*s == 'P') {
			/* CPU share in hundredths of a percent, as bash (not capped:
			 * the stages of a pipeline run on several CPUs at once). */
			uint64_t cpu = real_us ? (user_us + sys_us) * 10000 / real_us : 0;
			sb_addf(sb, "%llu.%02llu", (unsigned long long)(cpu / 100),
				(unsigned long long)(cpu % 100));
			continue;
		}
		int prec = 3;
		bool lng = false;
		if (*s >= '0' && *s <= '9') {
			prec = *s - '0' > 3 ? 3 : *s - '0';
			s++;
		}
		if (*s == 'l') {
			lng = true;
			s++;
		}
		if (*s == 'R' || *s == 'E')
			add_seconds(sb, real_us, prec, lng);
		else if (*s == 'U')
			add_seconds(sb, user_us, prec, lng);
		else if (*s == 'S')
			add_seconds(sb, sys_us, prec, lng);
		else {
			*bad = *s;
			return -1;
		}
	}
	return 0;
}

void timing_report(const struct timing *t, enum time_kind kind)
{
	struct timing now;
	timing_start(&now);
	const char *fmt = kind == TIME_POSIX ? POSIX_TIMEFORMAT : var_get("TIMEFORMAT");
	if (!fmt)
		fmt = BASH_TIMEFORMAT;
	if (!*fmt)
		return;
	struct strbuf sb = {0};
	char bad = 0;
	if (timing_format(&sb, fmt, (now.real_ns - t->real_ns) / 1000, now.user_us - t->user_us,
			  now.sys_us - t->sys_us, &bad) < 0) {
		if (bad)
			msg_err("TIMEFORMAT: '%c': invalid format character", bad);
		else
			msg_err("TIMEFORMAT: a format ends unfinished");
	} else {
		sb_addc(&sb, '\n');
		fflush(stderr);
		if (write_all(2, sb.buf, sb.len) < 0) { /* no stderr */ }
	}
	sb_free(&sb);
}
