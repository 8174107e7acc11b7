/* bench.c — `ipcsh --bench`: the same producer -> consumer workload through
 * every transport, measured as real pipelines (see internal.h), and
 * compared in one table. Options, the machine, and the run matrix live
 * here; job.c runs one pipeline, report.c and chart.c print. */
#include "bench.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../exec/shell.h"
#include "../transport/transport.h"

static const char bench_usage[] =
	"usage: ipcsh --bench [--transport EDGE]... [--bytes N] [--block N] [--small N]\n"
	"                     [--reps N] [--rounds N] [--format table|csv|json] [--chart FILE.svg]\n"
	"                     [--remote HOST:PORT [--key FILE]] [--timeout SECONDS] [--compare]\n"
	"  --transport EDGE  a transport with options, as in |[EDGE] (repeatable;\n"
	"                    default: pipe fifo sock mq mq:lines shm msg sysvshm mmap\n"
	"                    dgram seqpacket tcp)\n"
	"  --compare         add the IPC tutorials' comparison table: measured columns,\n"
	"                    their rankings next to the tutorials' stars, and notes\n"
	"  --bytes N         bytes per throughput run (default 256M; K, M, G suffixes)\n"
	"  --block N         the producer's write size (default 64K)\n"
	"  --small N         write size of the small-block run (default 64)\n"
	"  --reps N          repetitions after the warm-up; medians are reported (default 5)\n"
	"  --rounds N        round trips per latency run (default 2000)\n"
	"  --remote H:P      add a row through a remote stage on ipcshd at H:P\n"
	"  --key FILE        key for --remote (default: as for remote stages)\n";

static const char *const default_edges[] = {"pipe", "fifo", "sock", "mq", "mq:lines", "shm", "msg",
					    "sysvshm", "mmap", "dgram", "seqpacket", "tcp"};

enum { MAX_REPS = 1000, DEFAULT_TIMEOUT = 600, LATENCY_MSG = 64, MAX_BLOCK = 16 << 20 };

static int usage_fail(const char *fmt, ...) PRINTF(1, 2);
static int usage_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ipcsh: --bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(bench_usage, stderr);
	return 2;
}

static void row_add(struct bench_conf *c, char *label, char *edge, char *at)
{
	c->rows = xrealloc(c->rows, (c->nrows + 1) * sizeof *c->rows);
	struct row *r = &c->rows[c->nrows++];
	memset(r, 0, sizeof *r);
	r->label = label;
	r->edge = edge;
	r->consumer_at = at;
}

/* --transport TEXT: checked as the parser checks |[TEXT]. */
static int add_transport(struct bench_conf *c, const char *text)
{
	struct edge_spec spec;
	struct errbuf err;
	memset(&spec, 0, sizeof spec);
	if (edge_spec_parse(text, strlen(text), &spec, &err) < 0) {
		fprintf(stderr, "ipcsh: --bench: --transport %s: %s\n", text, err.msg);
		return -1;
	}
	struct strbuf sb = {0};
	edge_spec_format(&spec, &sb);
	edge_spec_clear(&spec);
	char *label = sb_detach(&sb);
	row_add(c, label, xasprintf("|[%s]", label), xstrdup(""));
	return 0;
}

static int opt_size(const char *name, const char *v, uint64_t *out, uint64_t min)
{
	if (!v || parse_size(v, out) < 0 || *out < min) {
		fprintf(stderr, "ipcsh: --bench: %s needs a size of at least %" PRIu64 " (K, M, G suffixes)\n",
			name, min);
		return -1;
	}
	return 0;
}

/* A write size: the producer keeps a pattern of PERIOD + block bytes. */
static int opt_block(const char *name, const char *v, uint64_t *out)
{
	if (opt_size(name, v, out, 1) < 0)
		return -1;
	if (*out > MAX_BLOCK) {
		fprintf(stderr, "ipcsh: --bench: %s: at most 16M\n", name);
		return -1;
	}
	return 0;
}

/* HOST:PORT goes into the job's script after '@': only the characters of
 * a host name, an address or a bracketed IPv6 address, so it stays one word. */
static int opt_remote(struct bench_conf *c, const char *v)
{
	if (!v)
		return -1;
	if (!*v || v[strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]")]) {
		fprintf(stderr, "ipcsh: --bench: --remote '%s': expected HOST[:PORT]\n", v);
		return -1;
	}
	c->remote = v;
	return 0;
}

static int opt_count(const char *name, const char *v, unsigned *out, unsigned max)
{
	uint64_t n;
	if (!v || parse_size(v, &n) < 0 || n < 1 || n > max) {
		fprintf(stderr, "ipcsh: --bench: %s needs a number from 1 to %u\n", name, max);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int opt_format(struct bench_conf *c, const char *v)
{
	if (v && !strcmp(v, "table"))
		c->format = FMT_TABLE;
	else if (v && !strcmp(v, "csv"))
		c->format = FMT_CSV;
	else if (v && !strcmp(v, "json"))
		c->format = FMT_JSON;
	else
		return usage_fail("--format needs table, csv or json, not '%s'", v ? v : "");
	return 0;
}

/* One option (with its value, as "--x V" or "--x=V"). Returns 0, or the
 * exit status to leave with. */
static int parse_one(struct bench_conf *c, const char *name, const char *v)
{
	int rc = 0;
	if (!strcmp(name, "--transport"))
		rc = v ? add_transport(c, v) : -1;
	else if (!strcmp(name, "--bytes"))
		rc = opt_size(name, v, &c->bytes, 1);
	else if (!strcmp(name, "--block"))
		rc = opt_block(name, v, &c->block);
	else if (!strcmp(name, "--small"))
		rc = opt_block(name, v, &c->small);
	else if (!strcmp(name, "--reps"))
		rc = opt_count(name, v, &c->reps, MAX_REPS);
	else if (!strcmp(name, "--rounds"))
		rc = opt_count(name, v, &c->rounds, 10000000);
	else if (!strcmp(name, "--timeout"))
		rc = opt_count(name, v, &c->timeout_s, 86400);
	else if (!strcmp(name, "--format"))
		return opt_format(c, v);
	else if (!strcmp(name, "--chart"))
		c->chart = v;
	else if (!strcmp(name, "--remote"))
		rc = opt_remote(c, v);
	else if (!strcmp(name, "--key"))
		c->keyfile = v;
	else
		return usage_fail("unknown option '%s'", name);
	if (!v)
		return usage_fail("%s needs a value", name);
	return rc < 0 ? 2 : 0;
}

static int parse_args(struct bench_conf *c, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(bench_usage, stdout);
			return -1;
		}
		if (!strcmp(a, "--compare")) {
			c->compare = true;
			continue;
		}
		char *name = eq ? xstrndup(a, (size_t)(eq - a)) : xstrdup(a);
		const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		int rc = parse_one(c, name, v);
		free(name);
		if (rc)
			return rc;
	}
	return 0;
}

/* The 1-minute load average: how busy the host was (0 if unknown). */
static double load_average(void)
{
	double l = 0;
	FILE *f = fopen("/proc/loadavg", "re");
	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = 0;
		fclose(f);
	}
	return l;
}

static void machine_probe(struct bench_conf *c)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "model name", 10) && strncmp(line, "Hardware", 8) &&
		    strncmp(line, "cpu model", 9))
			continue;
		char *p = strchr(line, ':');
		if (!p)
			continue;
		p += 1 + strspn(p + 1, " \t");
		p[strcspn(p, "\n")] = 0;
		c->cpu_model = xstrdup(p);
		break;
	}
	free(line);
	if (f)
		fclose(f);
	if (!c->cpu_model)
		c->cpu_model = xstrdup("unknown CPU");
	c->cores = sysconf(_SC_NPROCESSORS_ONLN);
	c->load0 = load_average();
	struct utsname u;
	c->kernel = uname(&u) == 0 ? xasprintf("%s %s %s", u.sysname, u.release, u.machine)
				   : xstrdup("unknown kernel");
}

/* Fill c with defaults and the arguments. Returns 0, or an exit status + 1
 * (so that "--help", status 0, is told apart from "go on"). */
static int conf_init(struct bench_conf *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	c->bytes = 256u << 20;
	c->block = 64u << 10;
	c->small = 64;
	c->reps = 5;
	c->rounds = 2000;
	c->msg = LATENCY_MSG;
	c->timeout_s = DEFAULT_TIMEOUT;
	c->wide = 0.25;
	int rc = parse_args(c, argc, argv);
	if (rc)
		return rc < 0 ? 1 : rc + 1;
	if (c->nrows == 0) {
		for (size_t i = 0; i < ARRAY_LEN(default_edges); i++)
			if (add_transport(c, default_edges[i]) < 0)
				return 3;
		/* The same shm edge with stages that use libipcsh: no relays. */
		row_add(c, xstrdup("shm (direct)"), xstrdup("|[shm]"), xstrdup(""));
		c->rows[c->nrows - 1].direct = true;
	}
	if (c->remote)
		row_add(c, xasprintf("remote %s", c->remote), xstrdup("|[pipe]"),
			xasprintf("@%s ", c->remote));
	if (!c->keyfile)
		c->keyfile = sh.keyfile;
	/* Small blocks move fewer bytes: a 64-byte write costs a syscall. */
	c->small_bytes = c->bytes / 16;
	if (c->small_bytes > (16u << 20))
		c->small_bytes = 16u << 20;
	if (c->small_bytes < c->small * 256)
		c->small_bytes = c->small * 256;
	for (size_t i = 0; i < c->nrows; i++) {
		struct row *r = &c->rows[i];
		r->gbps = xcalloc(c->reps, sizeof(double));
		r->small_rate = xcalloc(c->reps, sizeof(double));
		r->rtt_med = xcalloc(c->reps, sizeof(double));
		r->rtt_p99 = xcalloc(c->reps, sizeof(double));
		r->cpu = xcalloc(c->reps, sizeof(double));
	}
	machine_probe(c);
	return 0;
}

static void conf_free(struct bench_conf *c)
{
	for (size_t i = 0; i < c->nrows; i++) {
		struct row *r = &c->rows[i];
		free(r->label), free(r->edge), free(r->consumer_at), free(r->why), free(r->lat_why);
		free(r->gbps), free(r->small_rate), free(r->rtt_med), free(r->rtt_p99), free(r->cpu);
	}
	free(c->rows);
	free(c->cpu_model);
	free(c->kernel);
}

static void row_fail(struct row *r, char *why)
{
	if (!r->failed) {
		r->failed = true;
		r->why = why;
	} else {
		free(why);
	}
}

/* Why a job failed, in one line: its first stderr line, else its status. */
static char *job_why(const struct job_result *j, const char *what)
{
	if (j->timed_out)
		return xasprintf("%s: timed out", what);
	if (job_interrupted())
		return xasprintf("%s: interrupted", what);
	if (j->err && j->err[0]) {
		size_t n = strcspn(j->err, "\n");
		return xasprintf("%s: %.*s", what, (int)n, j->err);
	}
	return xasprintf("%s: exit status %d", what, j->status);
}

/* Find the report line starting with tag ("P ", "C ", "L "). */
static const char *find_line(const char *out, const char *tag)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, tag, strlen(tag)))
			return p + strlen(tag);
	return NULL;
}

/* A transfer job: returns the seconds from the producer's first write to
 * the consumer's EOF, or -1 (row failed). */
static double transfer_secs(struct row *r, const struct job_result *j, uint64_t bytes, const char *what)
{
	const char *p = find_line(j->out, "P "), *cl = find_line(j->out, "C ");
	uint64_t pb, t0, t1, cb, bad, tf, te;
	char verdict[16];
	if (j->status != 0 || !p || !cl) {
		row_fail(r, job_why(j, what));
		return -1;
	}
	if (sscanf(p, "%" SCNu64 " %" SCNu64 " %" SCNu64, &pb, &t0, &t1) != 3 ||
	    sscanf(cl, "%15s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, verdict, &cb, &bad, &tf, &te) != 5) {
		row_fail(r, xasprintf("%s: unreadable report", what));
		return -1;
	}
	if (strcmp(verdict, "verified") != 0 || cb != bytes) {
		row_fail(r, xasprintf("%s: bytes NOT verified: %" PRIu64 " of %" PRIu64
				      " arrived, first wrong byte at %" PRIu64, what, cb, bytes, bad));
		return -1;
	}
	r->verified_bytes += cb;
	/* Same machine, same CLOCK_MONOTONIC; fall back to the job's wall
	 * time if the consumer ran elsewhere. */
	if (te > t0 && (double)(te - t0) / 1e9 <= j->wall_s)
		return (double)(te - t0) / 1e9;
	return j->wall_s;
}

struct runner {
	struct bench_conf *c;
	char *self;
};

static char *script_transfer(const struct runner *rn, const struct row *r, uint64_t bytes,
			     uint64_t block)
{
	struct strbuf sb = {0};
	const char *env = r->direct ? "IPCSH_BENCH_RING=1 " : "";
	sb_adds(&sb, env);
	sb_add_shquoted(&sb, rn->self);
	sb_addf(&sb, " --bench --produce %" PRIu64 " %" PRIu64 " %d %s %s%s", bytes, block,
		BENCH_FD_RESULT, r->edge, r->consumer_at, env);
	sb_add_shquoted(&sb, rn->self);
	sb_addf(&sb, " --bench --consume %" PRIu64 " >&%d", bytes, BENCH_FD_RESULT);
	return sb_detach(&sb);
}

static char *script_latency(const struct runner *rn, const struct row *r)
{
	struct strbuf sb = {0};
	const char *env = r->direct ? "IPCSH_BENCH_RING=1 " : "";
	sb_adds(&sb, env);
	sb_add_shquoted(&sb, rn->self);
	sb_addf(&sb, " --bench --ping %u %u %d <&%d %s %s%s", rn->c->rounds, rn->c->msg, BENCH_FD_RESULT,
		BENCH_FD_BACK_R, r->edge, r->consumer_at, env);
	sb_add_shquoted(&sb, rn->self);
	sb_addf(&sb, " --bench --echo %u >&%d", rn->c->msg, BENCH_FD_BACK_W);
	return sb_detach(&sb);
}

/* Run one job; returns 0 with j filled, -1 (row failed or not started). */
static int run_job(const struct runner *rn, struct row *r, char *script, bool back,
		   struct job_result *j)
{
	struct job_spec js = {.self = rn->self, .script = script, .keyfile = rn->c->keyfile,
			      .back_channel = back, .timeout_s = rn->c->timeout_s};
	int rc = job_run(&js, j);
	free(script);
	if (rc < 0) {
		row_fail(r, xstrdup("could not start the job"));
		return -1;
	}
	if (j->maxrss_kb > r->maxrss_kb)
		r->maxrss_kb = j->maxrss_kb;
	return 0;
}

static void run_latency(const struct runner *rn, struct row *r);

/* One repetition of a row (rep < 0: the warm-up, not recorded). */
static void run_rep(const struct runner *rn, struct row *r, int rep)
{
	const struct bench_conf *c = rn->c;
	struct job_result j;
	if (run_job(rn, r, script_transfer(rn, r, c->bytes, c->block), false, &j) < 0)
		return;
	double s = transfer_secs(r, &j, c->bytes, rep < 0 ? "warm-up" : "throughput");
	double cpu = j.cpu_s;
	job_result_clear(&j);
	if (s <= 0 || rep < 0)
		return;
	if (run_job(rn, r, script_transfer(rn, r, c->small_bytes, c->small), false, &j) < 0)
		return;
	double ss = transfer_secs(r, &j, c->small_bytes, "small blocks");
	job_result_clear(&j);
	if (ss <= 0)
		return;
	uint64_t writes = (c->small_bytes + c->small - 1) / c->small;
	r->gbps[r->nrep] = (double)c->bytes / s / 1e9;
	r->small_rate[r->nrep] = (double)writes / ss;
	r->cpu[r->nrep] = cpu;
	r->nrep++;
	if (!r->lat_why)
		run_latency(rn, r);
}

/* A latency run. Its failure does not fail the row (the bytes were
 * verified): the report says why there is no round-trip figure. */
static void run_latency(const struct runner *rn, struct row *r)
{
	struct job_result j;
	if (run_job(rn, r, script_latency(rn, r), true, &j) < 0)
		return;
	const char *l = find_line(j.out, "L ");
	unsigned n;
	double med, p99;
	if (j.status != 0 || !l || sscanf(l, "%u %lf %lf", &n, &med, &p99) != 3) {
		r->lat_why = job_why(&j, "latency");
	} else {
		r->rtt_med[r->nlat] = med;
		r->rtt_p99[r->nlat] = p99;
		r->nlat++;
	}
	job_result_clear(&j);
}

static char *self_path(void)
{
	struct strbuf sb = {0};
	size_t cap = 256;
	for (;;) {
		char *buf = xmalloc(cap);
		ssize_t n = readlink("/proc/self/exe", buf, cap);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < cap) {
			sb_add(&sb, buf, (size_t)n);
			free(buf);
			return sb_detach(&sb);
		}
		free(buf);
		cap *= 2;
	}
}

/* On a terminal, say which run is going on (over one line). rep 0: warm-up;
 * NULL label: clear the line. */
static void progress(const struct bench_conf *c, const char *label, unsigned rep)
{
	if (c->format != FMT_TABLE || !isatty(2))
		return;
	if (!label)
		fprintf(stderr, "\r%50s\r", "");
	else if (rep == 0)
		fprintf(stderr, "\rwarm-up %-30s   ", label);
	else
		fprintf(stderr, "\rrep %u %-30s   ", rep, label);
	fflush(stderr);
}

/* Warm-up once per row, then repetitions interleaved across rows so a
 * drift of the host spreads over every transport alike. */
static void run_matrix(struct runner *rn)
{
	struct bench_conf *c = rn->c;
	for (size_t i = 0; i < c->nrows && !job_interrupted(); i++) {
		progress(c, c->rows[i].label, 0);
		run_rep(rn, &c->rows[i], -1);
	}
	for (unsigned rep = 0; rep < c->reps && !job_interrupted(); rep++)
		for (size_t i = 0; i < c->nrows && !job_interrupted(); i++) {
			if (c->rows[i].failed)
				continue;
			progress(c, c->rows[i].label, rep + 1);
			run_rep(rn, &c->rows[i], (int)rep);
		}
	progress(c, NULL, 0);
}

static int bench_compare(int argc, char **argv)
{
	struct bench_conf c;
	int rc = conf_init(&c, argc, argv);
	if (rc) {
		conf_free(&c);
		return rc - 1;
	}
	struct runner rn = {.c = &c, .self = self_path()};
	if (!rn.self) {
		msg_errno("--bench: cannot find my own executable");
		conf_free(&c);
		return 1;
	}
	job_signals_init();
	run_matrix(&rn);
	c.load1 = load_average();
	rc = 0;
	if (report_print(&c) < 0) {
		msg_errno("--bench: cannot write the report");
		rc = 1;
	}
	if (c.chart && chart_write(&c) < 0)
		rc = 1;
	for (size_t i = 0; i < c.nrows; i++)
		if (c.rows[i].failed)
			rc = 1;
	if (job_interrupted())
		rc = 130;
	free(rn.self);
	conf_free(&c);
	return rc;
}

int bench_main(int argc, char **argv)
{
	static const struct {
		const char *mode;
		int (*fn)(int, char **);
	} modes[] = {
		{"--produce", bench_produce}, {"--consume", bench_consume}, {"--ping", bench_ping},
		{"--ring-rtt", bench_ring_rtt},
		{"--echo", bench_echo},       {"--time", bench_time},       {"--raw", bench_raw},
		{"--crypto", bench_crypto},
	};
	if (argc > 0)
		for (size_t i = 0; i < ARRAY_LEN(modes); i++)
			if (!strcmp(argv[0], modes[i].mode))
				return modes[i].fn(argc, argv);
	return bench_compare(argc, argv);
}
