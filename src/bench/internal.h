/* internal.h — what the files of the benchmark engine share.
 *
 * The engine measures real pipelines: every run is `ipcsh -c 'PRODUCER
 * |[T] CONSUMER'` started from /proc/self/exe, where PRODUCER and
 * CONSUMER are ipcsh itself in helper modes (`ipcsh --bench --produce`,
 * `--consume`, `--ping`, `--echo`, helpers.c). So each transport is
 * measured with exec'd stages, relays and all, exactly as a user's
 * pipeline gets it.
 *
 * Files: bench.c (options, the run matrix), job.c (run one `ipcsh -c`
 * and collect its rusage), helpers.c (the hidden stage modes), tools.c
 * (`--time` and `--raw`, used by bench/run.sh), report.c (table, csv,
 * json), compare.c (--compare), chart.c (the SVG), pattern.c (the byte
 * pattern and statistics).
 */
#ifndef IPCSH_BENCH_INTERNAL_H
#define IPCSH_BENCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

/* Fixed fd numbers in a job: helpers write their one-line reports to
 * BENCH_FD_RESULT; the latency run's back channel (a pipe ipcsh does not
 * manage) is BENCH_FD_BACK_R / BENCH_FD_BACK_W. */
enum { BENCH_FD_RESULT = 3, BENCH_FD_BACK_R = 4, BENCH_FD_BACK_W = 5 };

/* The byte pattern: 64-byte text lines ("ipcsh bench NNNNNNNN ....\n")
 * repeating every PATTERN_PERIOD bytes. 1021 lines (a prime) so that no
 * power-of-two block lines up with the period: a lost, repeated or
 * reordered block shows as a mismatch. */
enum { PATTERN_LINE = 64, PATTERN_PERIOD = PATTERN_LINE * 1021 };

/* The pattern, long enough that [off % PERIOD, +span) never wraps:
 * PERIOD + span bytes. Free with free(). */
char *pattern_new(size_t span);

/* Statistics over n doubles (sorts v in place). */
double stat_median(double *v, size_t n);
double stat_quantile(double *v, size_t n, double q);
double stat_min(const double *v, size_t n);
double stat_max(const double *v, size_t n);

/* The hidden stage modes; argv[0] is the mode ("--produce"...).
 * Return the process exit status. */
int bench_produce(int argc, char **argv);
int bench_consume(int argc, char **argv);
int bench_ping(int argc, char **argv);
int bench_echo(int argc, char **argv);
/* libipcsh stages (ring.c): with IPCSH_BENCH_RING=1 the helpers use the
 * ring of their |[shm] edge when ipcsh hands one over. */
struct ipcsh_ring;
bool bench_ring_wanted(void);
int bench_ring_produce(struct ipcsh_ring *r, const char *pat, uint64_t bytes, uint64_t block);
int bench_ring_consume(struct ipcsh_ring *r, const char *pat, uint64_t bytes, uint64_t *got,
		       uint64_t *bad, uint64_t *t_first);
int bench_ring_rtt(int argc, char **argv);
/* `--time` and `--raw` (tools.c). */
int bench_time(int argc, char **argv);
int bench_raw(int argc, char **argv);
int bench_crypto(int argc, char **argv);
/* parse_size() with a message naming the hidden mode; 0 or -1. */
int bench_arg_size(const char *what, const char *s, uint64_t *out) WUR;

/* What one `ipcsh -c` job left behind. */
struct job_result {
	int status;          /* exit status (128+N for a signal), -1 if not started */
	bool timed_out;
	double wall_s;       /* fork to reap */
	double cpu_s;        /* user+sys of ipcsh and every process it reaped */
	long maxrss_kb;      /* the largest resident set among them */
	char *out;           /* what the helpers wrote to BENCH_FD_RESULT */
	char *err;           /* the job's stderr (first few KiB) */
};

struct job_spec {
	const char *self;      /* the ipcsh binary to run */
	const char *script;    /* the -c text */
	const char *keyfile;   /* --key, or NULL */
	bool back_channel;     /* give the job fds BENCH_FD_BACK_R/W */
	unsigned timeout_s;    /* kill the job after this long */
};

/* Run one job to completion. Returns 0 when it ran (whatever its status;
 * r filled, free with job_result_clear), -1 when it could not be started
 * (message printed). */
int job_run(const struct job_spec *js, struct job_result *r) WUR;
void job_result_clear(struct job_result *r);
/* Set by SIGINT/SIGTERM while jobs run: stop and report what we have. */
bool job_interrupted(void);
/* Install the SIGINT/SIGTERM/SIGALRM handlers job_run relies on. */
void job_signals_init(void);

/* One transport row of the comparison. */
struct row {
	char *label;        /* "shm", "mq:lines", "remote 127.0.0.1:7433" */
	char *edge;         /* the edge text between the stages: "|[shm]" or "|" */
	char *consumer_at;  /* "@HOST:PORT " prefix for the remote row, or "" */
	/* per repetition */
	double *gbps, *small_rate, *rtt_med, *rtt_p99, *cpu;
	unsigned nrep;      /* repetitions that completed */
	unsigned nlat;      /* of which with a latency run (rtt_* has nlat entries) */
	char *lat_why;      /* why the latency run failed (the row still counts) */
	long maxrss_kb;
	bool failed;
	char *why;          /* first failure, for the report */
	uint64_t verified_bytes; /* bytes checked at the consumer, all runs */
	bool direct;        /* the stages use libipcsh (IPCSH_BENCH_RING=1) */
};

struct bench_conf {
	uint64_t bytes, block, small, small_bytes;
	unsigned reps, rounds, msg;
	enum { FMT_TABLE, FMT_CSV, FMT_JSON } format;
	const char *chart;
	bool compare;       /* --compare: the tutorials' table after the results */
	const char *remote, *keyfile;
	unsigned timeout_s;
	double wide;        /* spread (max-min)/median above which to warn */
	struct row *rows;
	size_t nrows;
	/* the machine */
	char *cpu_model, *kernel;
	long cores;
	double load0, load1;  /* 1-minute load average before and after the runs */
};

/* Summary of a row's repetitions, as reported. */
struct row_summary {
	double gbps, gbps_min, gbps_max, spread;
	double small_rate, rtt_med, rtt_p99, cpu;
};
void row_summarize(const struct row *r, struct row_summary *s);

/* Print the comparison to stdout in c->format. Returns 0/-1 (write error). */
int report_print(const struct bench_conf *c) WUR;
/* --compare (compare.c): the tutorials' table with this run's measurements,
 * rankings and notes, as text or as a JSON member ("compare": {...},). */
void compare_table(struct strbuf *sb, const struct bench_conf *c);
void compare_json(struct strbuf *sb, const struct bench_conf *c);
/* Write the SVG chart to c->chart. Returns 0/-1 (message printed). */
int chart_write(const struct bench_conf *c) WUR;

#endif
