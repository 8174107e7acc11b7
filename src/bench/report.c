/* report.c — the comparison as a table for people, or csv / json for
 * programs. Every format carries the machine, the workload, and for each
 * transport whether its bytes were verified at the consumer. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void row_summarize(const struct row *r, struct row_summary *s)
{
	memset(s, 0, sizeof *s);
	size_t n = r->nrep;
	if (n == 0)
		return;
	double *tmp = xcalloc(n, sizeof *tmp);
	memcpy(tmp, r->gbps, n * sizeof *tmp);
	s->gbps = stat_median(tmp, n);
	s->gbps_min = stat_min(r->gbps, n);
	s->gbps_max = stat_max(r->gbps, n);
	s->spread = s->gbps > 0 ? (s->gbps_max - s->gbps_min) / s->gbps : 0;
	memcpy(tmp, r->small_rate, n * sizeof *tmp);
	s->small_rate = stat_median(tmp, n);
	memcpy(tmp, r->rtt_med, r->nlat * sizeof *tmp);
	s->rtt_med = stat_median(tmp, r->nlat);
	memcpy(tmp, r->rtt_p99, r->nlat * sizeof *tmp);
	s->rtt_p99 = stat_median(tmp, r->nlat);
	memcpy(tmp, r->cpu, n * sizeof *tmp);
	s->cpu = stat_median(tmp, n);
	free(tmp);
}

static bool row_ok(const struct row *r)
{
	return !r->failed && r->nrep > 0;
}

static void fmt_rate(struct strbuf *sb, double v)
{
	if (v >= 1e6)
		sb_addf(sb, "%.2fM", v / 1e6);
	else if (v >= 1e3)
		sb_addf(sb, "%.1fK", v / 1e3);
	else
		sb_addf(sb, "%.0f", v);
}

static void add_size(struct strbuf *sb, uint64_t v)
{
	char b[32];
	format_size(v, b, sizeof b);
	sb_adds(sb, b);
}

/* The table fits 80 columns (its lines were 112 wide, its header lines
 * wrapped mid-word): the header is broken where a reader pauses, and the
 * label column is as wide as the longest label. */
static int label_width(const struct bench_conf *c)
{
	int w = (int)strlen("transport");
	for (size_t i = 0; i < c->nrows; i++)
		if ((int)strlen(c->rows[i].label) > w)
			w = (int)strlen(c->rows[i].label);
	return w;
}

static void table_head(struct strbuf *sb, const struct bench_conf *c)
{
	sb_adds(sb, "ipcsh --bench: ");
	add_size(sb, c->bytes);
	sb_adds(sb, " bytes per run in ");
	add_size(sb, c->block);
	sb_adds(sb, "-byte writes;\nsmall blocks: ");
	add_size(sb, c->small_bytes);
	sb_adds(sb, " in ");
	add_size(sb, c->small);
	sb_addf(sb, "-byte writes; latency: %u round trips of %u bytes\n", c->rounds, c->msg);
	sb_addf(sb, "median of %u repetitions after a warm-up run, transports interleaved\n", c->reps);
	sb_addf(sb, "machine: %s, %ld cores, %s\nload average %.2f before, %.2f after\n\n",
		c->cpu_model, c->cores, c->kernel, c->load0, c->load1);
	sb_addf(sb, "%-*s %5s %6s %6s %7s %7s %7s %5s %9s %s\n", label_width(c), "transport", "GB/s",
		"x pipe", "spread", "small/s", "rtt med", "rtt p99", "CPU s", "peak RSS", "bytes");
}

/* Median GB/s of the row labelled "pipe", the reference for ratios (0: none). */
static double pipe_gbps(const struct bench_conf *c)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (!strcmp(c->rows[i].label, "pipe") && !c->rows[i].failed) {
			struct row_summary s;
			row_summarize(&c->rows[i], &s);
			return s.gbps;
		}
	return 0;
}

static void table_row(struct strbuf *sb, const struct bench_conf *c, const struct row *r, double ref)
{
	struct row_summary s;
	row_summarize(r, &s);
	sb_addf(sb, "%-*s ", label_width(c), r->label);
	if (!row_ok(r)) {
		const char *why = r->why ? r->why : job_interrupted() ? "interrupted" : "no repetition completed";
		sb_addf(sb, "FAILED: %s\n", why);
		return;
	}
	struct strbuf rate = {0};
	fmt_rate(&rate, s.small_rate);
	/* One repetition has no spread: a dash, padded by hand (it is
	 * three bytes wide in UTF-8 and one column on the screen). */
	char pct[16], spread[24] = "     \xe2\x80\x93"; /* U+2013 EN DASH */
	snprintf(pct, sizeof pct, "%s%.0f%%", s.spread > c->wide ? "!" : "", s.spread * 100);
	if (c->reps > 1)
		snprintf(spread, sizeof spread, "%6s", pct);
	char ratio[16] = "--";
	if (ref > 0)
		snprintf(ratio, sizeof ratio, "%.2f", s.gbps / ref);
	sb_addf(sb, "%5.2f %6s %s %7s ", s.gbps, ratio, spread, rate.buf);
	if (r->nlat)
		sb_addf(sb, "%5.1fus %5.1fus ", s.rtt_med, s.rtt_p99);
	else
		sb_addf(sb, "%7s %7s ", "--", "--");
	sb_addf(sb, "%5.2f %5.1f MiB verified\n", s.cpu, (double)r->maxrss_kb / 1024);
	sb_free(&rate);
}

/* Append text with every line longer than 79 columns broken at its last
 * blank that fits, the rest indented by two (the notes under the table). */
static void add_wrapped(struct strbuf *sb, const char *text)
{
	enum { WIDTH = 79 };
	while (*text) {
		size_t n = strcspn(text, "\n");
		const char *line = text;
		bool cont = false;
		while (n > WIDTH - (cont ? 2u : 0u)) {
			size_t room = WIDTH - (cont ? 2u : 0u), cut = room;
			while (cut > 0 && line[cut] != ' ')
				cut--;
			if (cut == 0)
				break; /* one long word: leave it whole */
			sb_addf(sb, "%s%.*s\n", cont ? "  " : "", (int)cut, line);
			line += cut + 1;
			n -= cut + 1;
			cont = true;
		}
		sb_addf(sb, "%s%.*s\n", cont ? "  " : "", (int)n, line);
		text = line + n + (line[n] == '\n');
	}
}

static void table_notes(struct strbuf *out, const struct bench_conf *c)
{
	struct strbuf notes = {0}, *sb = &notes;
	uint64_t total = 0;
	struct strbuf wide = {0}, nolat = {0};
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];
		struct row_summary s;
		row_summarize(r, &s);
		total += r->verified_bytes;
		if (row_ok(r) && s.spread > c->wide)
			sb_addf(&wide, "%s%s", wide.len ? ", " : "", r->label);
		if (row_ok(r) && !r->nlat)
			sb_addf(&nolat, "%s: no round-trip figure: %s\n", r->label,
				r->lat_why ? r->lat_why : "not measured");
	}
	sb_addf(sb, "\nverified: the consumer compared every byte it read with the expected pattern "
		    "(%" PRIu64 " bytes in all runs, warm-up included).\n", total);
	sb_adds(sb, "GB/s: 10^9 bytes/s from the producer's first write to the consumer's EOF,\n"
		    "  exec'd stages and relays included; x pipe: GB/s over the pipe row's;\n"
		    "  spread: (max-min)/median of the repetitions ('!' marks a wide one; with one\n"
		    "  repetition there is none: \xe2\x80\x93).\n"
		    "small/s: small writes per second through the same pipeline.\n"
		    "rtt: producer -> edge -> echo stage -> back over a plain pipe that ipcsh does\n"
		    "  not manage (the same for every row): one hop through the transport, one\n"
		    "  through a pipe.\n"
		    "CPU s: user+sys of the whole job (ipcsh, stages, relays) for one throughput\n"
		    "  run;"
		    " peak RSS: the largest single process of the job.\n");
	if (c->remote)
		sb_adds(sb, "remote: the consumer runs under ipcshd over loopback TCP (authenticated, encrypted);\n"
			    "  CPU s and peak RSS count the local side only.\n");
	if (wide.len)
		sb_addf(sb, "note: wide spread (> %.0f%%) for %s: the host is noisy; rerun with more --reps.\n",
			c->wide * 100, wide.buf);
	if (nolat.len)
		sb_add(sb, nolat.buf, nolat.len);
	if (c->load0 > (double)c->cores || c->load1 > (double)c->cores)
		sb_addf(sb, "note: the host was busy (load average above its %ld cores): other programs "
			    "competed for the CPUs, so absolute figures are low and noisy.\n", c->cores);
	sb_free(&wide);
	sb_free(&nolat);
	sb_addc(out, '\n');
	add_wrapped(out, notes.buf + 1); /* past its leading blank line */
	sb_free(&notes);
}

static void csv_field(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			sb_addc(sb, '"');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

static void csv_all(struct strbuf *sb, const struct bench_conf *c)
{
	sb_adds(sb, "transport,gbps,gbps_min,gbps_max,spread,small_block,small_writes_per_s,"
		    "rtt_median_us,rtt_p99_us,cpu_s,peak_rss_kib,reps,verified,error,cpu_model,cores,kernel\n");
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];
		struct row_summary s;
		row_summarize(r, &s);
		csv_field(sb, r->label);
		sb_addf(sb, ",%.4f,%.4f,%.4f,%.4f,%" PRIu64 ",%.1f,", s.gbps, s.gbps_min, s.gbps_max,
			s.spread, c->small, s.small_rate);
		if (r->nlat)
			sb_addf(sb, "%.2f,%.2f,", s.rtt_med, s.rtt_p99);
		else
			sb_adds(sb, ",,");
		sb_addf(sb, "%.3f,%ld,%u,%s,", s.cpu, r->maxrss_kb, r->nrep, row_ok(r) ? "yes" : "no");
		csv_field(sb, r->why ? r->why : r->lat_why ? r->lat_why : "");
		sb_addc(sb, ',');
		csv_field(sb, c->cpu_model);
		sb_addf(sb, ",%ld,", c->cores);
		csv_field(sb, c->kernel);
		sb_addc(sb, '\n');
	}
}

static void json_row(struct strbuf *sb, const struct row *r)
{
	struct row_summary s;
	row_summarize(r, &s);
	sb_adds(sb, "    {\"transport\": ");
	sb_add_json(sb, r->label);
	sb_addf(sb, ", \"verified\": %s, \"reps\": %u", row_ok(r) ? "true" : "false", r->nrep);
	if (row_ok(r))
		sb_addf(sb, ", \"gbps\": %.4f, \"gbps_min\": %.4f, \"gbps_max\": %.4f, \"spread\": %.4f,"
			    " \"small_writes_per_s\": %.1f, \"cpu_s\": %.3f, \"peak_rss_kib\": %ld",
			s.gbps, s.gbps_min, s.gbps_max, s.spread, s.small_rate, s.cpu, r->maxrss_kb);
	if (row_ok(r) && r->nlat)
		sb_addf(sb, ", \"rtt_median_us\": %.2f, \"rtt_p99_us\": %.2f", s.rtt_med, s.rtt_p99);
	if (r->lat_why) {
		sb_adds(sb, ", \"latency_error\": ");
		sb_add_json(sb, r->lat_why);
	}
	if (r->why) {
		sb_adds(sb, ", \"error\": ");
		sb_add_json(sb, r->why);
	}
	sb_adds(sb, "}");
}

static void json_all(struct strbuf *sb, const struct bench_conf *c)
{
	sb_adds(sb, "{\n  \"machine\": {\"cpu\": ");
	sb_add_json(sb, c->cpu_model);
	sb_addf(sb, ", \"cores\": %ld, \"kernel\": ", c->cores);
	sb_add_json(sb, c->kernel);
	sb_addf(sb, ", \"loadavg_before\": %.2f, \"loadavg_after\": %.2f},\n", c->load0, c->load1);
	sb_addf(sb, "  \"workload\": {\"bytes\": %" PRIu64 ", \"block\": %" PRIu64
		    ", \"small_bytes\": %" PRIu64 ", \"small_block\": %" PRIu64
		    ", \"rounds\": %u, \"message\": %u, \"reps\": %u, \"warmup\": 1},\n",
		c->bytes, c->block, c->small_bytes, c->small, c->rounds, c->msg, c->reps);
	if (c->compare)
		compare_json(sb, c);
	sb_adds(sb, "  \"results\": [\n");
	for (size_t i = 0; i < c->nrows; i++) {
		json_row(sb, &c->rows[i]);
		sb_adds(sb, i + 1 < c->nrows ? ",\n" : "\n");
	}
	sb_adds(sb, "  ]\n}\n");
}

int report_print(const struct bench_conf *c)
{
	struct strbuf sb = {0};
	if (c->format == FMT_CSV) {
		csv_all(&sb, c);
	} else if (c->format == FMT_JSON) {
		json_all(&sb, c);
	} else {
		table_head(&sb, c);
		double ref = pipe_gbps(c);
		for (size_t i = 0; i < c->nrows; i++)
			table_row(&sb, c, &c->rows[i], ref);
		table_notes(&sb, c);
		if (c->compare)
			compare_table(&sb, c);
	}
	int rc = write_all(1, sb.buf, sb.len) < 0 ? -1 : 0;
	sb_free(&sb);
	return rc;
}
