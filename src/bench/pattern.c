/* pattern.c — the deterministic byte stream every producer writes and
 * every consumer checks, and the few statistics the report needs. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *pattern_new(size_t span)
{
	size_t len = PATTERN_PERIOD + span;
	char *p = xmalloc(len);
	/* Text lines, so that mq:lines packs real lines and a mismatch is
	 * readable in a hex dump. */
	for (size_t off = 0; off < len; off += PATTERN_LINE) {
		char line[PATTERN_LINE + 1];
		unsigned n = (unsigned)((off % PATTERN_PERIOD) / PATTERN_LINE);
		int k = snprintf(line, sizeof line, "ipcsh bench %08u ", n);
		memset(line + k, 'a' + (int)(n % 26), PATTERN_LINE - (size_t)k - 1);
		line[PATTERN_LINE - 1] = '\n';
		size_t take = len - off < PATTERN_LINE ? len - off : PATTERN_LINE;
		memcpy(p + off, line, take);
	}
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double stat_quantile(double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	/* Nearest rank: the smallest sample with at least q of them at or below. */
	size_t rank = (size_t)(q * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

double stat_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stat_min(const double *v, size_t n)
{
	double m = n ? v[0] : 0;
	for (size_t i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

double stat_max(const double *v, size_t n)
{
	double m = n ? v[0] : 0;
	for (size_t i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}
