/* stats.c — print per-edge statistics. */
#include "stats.h"

#include <stdio.h>

#include "shell.h"

/* Transports that keep message boundaries count messages as well as bytes. */
static bool stats_counts_messages(enum edge_kind k)
{
	return k == EDGE_MQ || k == EDGE_MSG || k == EDGE_DGRAM || k == EDGE_SEQPACKET;
}

static double edge_seconds(const struct edge *e, uint64_t elapsed_ns)
{
	const struct edge_stats *s = e->stats;
	if (s->t_first && s->t_last > s->t_first)
		return (double)(s->t_last - s->t_first) / 1e9;
	return (double)elapsed_ns / 1e9;
}

void stats_print(const char *text, struct edge *const *edges, size_t n, uint64_t elapsed_ns)
{
	struct strbuf sb = {0};
	if (sh.stats == STATS_JSON) {
		sb_adds(&sb, "{\"pipeline\":");
		sb_add_json(&sb, text ? text : "");
		sb_addf(&sb, ",\"seconds\":%.6f,\"edges\":[", (double)elapsed_ns / 1e9);
	}
	for (size_t i = 0; i < n; i++) {
		const struct edge *e = edges[i];
		const struct edge_stats *s = e->stats;
		double secs = edge_seconds(e, elapsed_ns);
		double rate = secs > 0 ? (double)s->bytes / secs : 0;
		const char *tn = transport_name(e->spec.kind);
		char ends[64];
		edge_ends(e, ends, sizeof ends);
		if (sh.stats == STATS_JSON) {
			sb_addf(&sb, "%s{\"edge\":\"%s\",\"transport\":\"%s\",\"options\":", i ? "," : "",
				ends, tn);
			sb_add_json(&sb, e->actual);
			sb_addf(&sb, ",\"bytes\":%llu,", (unsigned long long)s->bytes);
			if (stats_counts_messages(e->spec.kind))
				sb_addf(&sb, "\"messages\":%llu,", (unsigned long long)s->msgs);
			sb_addf(&sb, "\"seconds\":%.6f,\"bytes_per_second\":%.0f}", secs, rate);
			continue;
		}
		sb_addf(&sb, "ipcsh: stats: edge %s %s%s%s: %llu bytes", ends, tn,
			e->actual[0] ? " " : "", e->actual, (unsigned long long)s->bytes);
		if (stats_counts_messages(e->spec.kind))
			sb_addf(&sb, ", %llu messages", (unsigned long long)s->msgs);
		if (rate >= 1e9)
			sb_addf(&sb, ", %.3f s, %.2f GB/s\n", secs, rate / 1e9);
		else
			sb_addf(&sb, ", %.3f s, %.1f MB/s\n", secs, rate / 1e6);
	}
	if (sh.stats == STATS_JSON)
		sb_adds(&sb, "]}\n");
	if (sb.len && write_all(2, sb.buf, sb.len) < 0) { /* stderr gone */ }
	sb_free(&sb);
}
