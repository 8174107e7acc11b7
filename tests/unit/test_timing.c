/* test_timing.c — TIMEFORMAT as bash prints it (src/exec/timing.c): the
 * fraction is the duration in milliseconds, rounded, then cut to the
 * precision; 'l' splits minutes off; %P is (user+sys)/real in hundredths. */
#include <string.h>

#include "exec/timing.h"
#include "tap.h"

/* s with newlines and tabs as \n and \t, so a TAP line stays one line. */
static const char *shown(const char *s, char *buf, size_t n)
{
	size_t o = 0;
	for (; *s && o + 3 < n; s++) {
		if (*s == '\n' || *s == '\t') {
			buf[o++] = '\\';
			buf[o++] = *s == '\n' ? 'n' : 't';
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

static void is(const char *fmt, uint64_t r, uint64_t u, uint64_t s, const char *want)
{
	struct strbuf sb = {0};
	char bad = 0;
	int rc = timing_format(&sb, fmt, r, u, s, &bad);
	char b1[128], b2[128], b3[128];
	TAP_OK(rc == 0 && strcmp(sb.buf ? sb.buf : "", want) == 0, "'%s' (%llu %llu %llu) -> '%s' (got '%s')",
	       shown(fmt, b1, sizeof b1), (unsigned long long)r, (unsigned long long)u,
	       (unsigned long long)s, shown(want, b2, sizeof b2), shown(sb.buf ? sb.buf : "", b3, sizeof b3));
	sb_free(&sb);
}

static void bad(const char *fmt, char want)
{
	struct strbuf sb = {0};
	char c = 'x';
	int rc = timing_format(&sb, fmt, 1, 1, 1, &c);
	TAP_OK(rc < 0 && c == want, "'%s' is refused at '%c' (got %d '%c')", fmt, want ? want : '0', rc,
	       c ? c : '0');
	sb_free(&sb);
}

int main(void)
{
	is("%R", 61234500, 0, 0, "61.235");          /* 234.5 ms rounds up */
	is("%2R|%1R|%0R", 61234500, 0, 0, "61.23|61.2|61");
	is("%lR", 61234500, 0, 0, "1m1.235s");
	is("%3lR %0lR", 59999600, 0, 0, "1m0.000s 1m0s"); /* 999.6 ms carries */
	is("\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS", 1500000, 250000, 1000,
	   "\nreal\t0m1.500s\nuser\t0m0.250s\nsys\t0m0.001s");
	is("real %2R\nuser %2U\nsys %2S", 1500000, 250000, 1000, "real 1.50\nuser 0.25\nsys 0.00");
	is("%9E", 1000, 0, 0, "0.001");             /* precision capped at 3 */
	is("%P", 1000000, 500000, 250000, "75.00");
	is("%P", 1000000, 1500000, 500000, "200.00"); /* two CPUs: not capped */
	is("%P", 0, 5, 5, "0.00");
	is("%P", 3000000, 1000000, 0, "33.33");
	is("100%% done%", 0, 0, 0, "100% done%");      /* a lone % at the end stays */
	is("", 1, 1, 1, "");
	bad("%x", 'x');
	bad("a%3P", 'P');
	bad("%l", '\0');
	bad("%2", '\0');
	return tap_done();
}
