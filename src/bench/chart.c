/* chart.c — `--chart FILE.svg`: a self-contained SVG (no scripts, no
 * external fonts or styles) with two horizontal bar charts, throughput and
 * round-trip latency, one bar per transport in each. */
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { W = 760, LABEL_W = 190, BAR_H = 20, ROW_H = 28, PANEL_TOP = 56, VALUE_W = 110 };

static void add_xml(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_adds(sb, "&amp;"); break;
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\'': sb_adds(sb, "&apos;"); break;
		default: sb_addc(sb, *s);
		}
	}
}

struct panel {
	const char *title, *metric, *unit, *colour;
	double (*value)(const struct row_summary *s);
	bool latency; /* needs a latency run */
};

static double v_gbps(const struct row_summary *s) { return s->gbps; }
static double v_rtt(const struct row_summary *s) { return s->rtt_med; }

/* One panel starting at y; returns the y after it. */
static int panel_draw(struct strbuf *sb, const struct bench_conf *c, const struct panel *p, int y)
{
	double max = 0;
	for (size_t i = 0; i < c->nrows; i++) {
		struct row_summary s;
		row_summarize(&c->rows[i], &s);
		if (p->value(&s) > max)
			max = p->value(&s);
	}
	sb_addf(sb, "<g class=\"panel\" id=\"%s\">\n", p->metric);
	sb_addf(sb, "<text x=\"10\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">", y + 18);
	add_xml(sb, p->title);
	sb_adds(sb, "</text>\n");
	y += 30;
	int span = W - LABEL_W - VALUE_W;
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];
		struct row_summary s;
		row_summarize(r, &s);
		bool ok = !r->failed && r->nrep > 0 && (!p->latency || r->nlat > 0);
		double v = ok ? p->value(&s) : 0;
		double w = max > 0 ? v / max * span : 0;
		sb_addf(sb, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\">", LABEL_W - 8,
			y + 15);
		add_xml(sb, r->label);
		sb_addf(sb, "</text>\n<rect class=\"bar %s\" data-transport=\"", p->metric);
		add_xml(sb, r->label);
		sb_addf(sb, "\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>", LABEL_W,
			y, w, BAR_H, p->colour);
		add_xml(sb, r->label);
		sb_addf(sb, ": %.2f %s</title></rect>\n", v, p->unit);
		sb_addf(sb, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">", LABEL_W + w + 6, y + 15);
		if (ok)
			sb_addf(sb, "%.2f %s", v, p->unit);
		else
			sb_adds(sb, r->failed ? "failed" : "not measured");
		sb_adds(sb, "</text>\n");
		y += ROW_H;
	}
	sb_adds(sb, "</g>\n");
	return y + 16;
}

int chart_write(const struct bench_conf *c)
{
	static const struct panel panels[] = {
		{"Throughput (GB/s, higher is better)", "throughput", "GB/s", "#3b78c4", v_gbps, false},
		{"Round trip, median (\xc2\xb5s, lower is better)", "latency", "\xc2\xb5s", "#d9822b", v_rtt, true},
	};
	int h = PANEL_TOP + (int)ARRAY_LEN(panels) * (30 + (int)c->nrows * ROW_H + 16) + 24;
	struct strbuf sb = {0};
	sb_addf(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		     "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		     "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		     "<text x=\"10\" y=\"22\" font-size=\"17\" font-weight=\"bold\">ipcsh --bench</text>\n"
		     "<text x=\"10\" y=\"42\" font-size=\"12\">",
		W, h, W, h);
	char b1[32], b2[32];
	format_size(c->bytes, b1, sizeof b1);
	format_size(c->block, b2, sizeof b2);
	struct strbuf sub = {0};
	sb_addf(&sub, "%s, %ld cores, %s; %s per run in %s writes, median of %u, bytes verified", c->cpu_model,
		c->cores, c->kernel, b1, b2, c->reps);
	add_xml(&sb, sub.buf);
	sb_free(&sub);
	sb_adds(&sb, "</text>\n");
	int y = PANEL_TOP;
	for (size_t i = 0; i < ARRAY_LEN(panels); i++)
		y = panel_draw(&sb, c, &panels[i], y);
	sb_adds(&sb, "</svg>\n");
	int rc = 0, fd = open(c->chart, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd >= 0) {
		bool bad = write_all(fd, sb.buf, sb.len) < 0;
		if (close(fd) < 0 && !bad)
			bad = true;
		fd = bad ? -1 : fd;
	}
	if (fd < 0) {
		msg_errno("--bench: cannot write %s", c->chart);
		rc = -1;
	}
	sb_free(&sb);
	return rc;
}
