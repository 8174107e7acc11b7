/* compare.c — `ipcsh --bench --compare`: the comparison table the classic
 * IPC tutorials end with, with this machine's measurements in place of the
 * stars. Each measured column (throughput, small-message rate, round trip,
 * CPU per GB) gets a ranking, printed next to the ranking the tutorials'
 * stars give; where the two disagree clearly a one-line note says so and
 * why. Message boundaries are tested on the mechanism itself (two sends,
 * one large receive); the other properties are the mechanism's, as the
 * tutorials list them. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <unistd.h>

/* The tutorials' row for a transport. Stars: shared memory 5, pipes 4,
 * Unix sockets 4 (stream) / 3 (datagram, seqpacket), message queues 3,
 * network sockets 2. */
struct mech {
	const char *kind, *name;
	int stars;
	bool bidir, unrelated, machines, relayed;
};

static const struct mech mechs[] = {
	{"pipe", "pipe", 4, false, false, false, false},
	{"fifo", "FIFO (named pipe)", 4, false, true, false, false},
	{"sock", "Unix socket, stream", 4, true, true, false, false},
	{"dgram", "Unix socket, datagram", 3, true, true, false, true},
	{"seqpacket", "Unix socket, seqpacket", 3, true, true, false, true},
	{"mq", "message queue, POSIX", 3, true, true, false, true},
	{"msg", "message queue, System V", 3, true, true, false, true},
	{"shm", "shared memory, ring", 5, true, true, false, true},
	{"sysvshm", "shared memory, System V", 5, true, true, false, true},
	{"mmap", "shared memory, mmap file", 5, true, true, false, true},
	{"tcp", "network socket, TCP", 2, true, true, true, false},
};

static const struct mech *mech_of(const char *label)
{
	size_t n = strcspn(label, ":");
	for (size_t i = 0; i < ARRAY_LEN(mechs); i++)
		if (strlen(mechs[i].kind) == n && !strncmp(mechs[i].kind, label, n))
			return &mechs[i];
	return NULL;
}

/* ---- message boundaries, tested ---- */

/* Two sends of 2 bytes, one receive of up to 16: 1 kept, 0 merged, -1 error. */
static int merged(ssize_t got)
{
	return got == 2 ? 1 : got == 4 ? 0 : -1;
}

static int test_fds(int w, int r)
{
	int rc = -1;
	if (write(w, "ab", 2) == 2 && write(w, "cd", 2) == 2) {
		char buf[16];
		rc = merged(read(r, buf, sizeof buf));
	}
	close(w);
	close(r);
	return rc;
}

static int test_socket(int type)
{
	int sv[2];
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	return test_fds(sv[0], sv[1]);
}

static int test_tcp(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int s = -1;
	if (l >= 0 && c >= 0 && bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 1) == 0 &&
	    getsockname(l, (struct sockaddr *)&a, &al) == 0 &&
	    connect(c, (struct sockaddr *)&a, sizeof a) == 0)
		s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (l >= 0)
		close(l);
	if (s < 0) {
		if (c >= 0)
			close(c);
		return -1;
	}
	/* Both segments are queued before the read: give loopback a moment. */
	int rc = -1;
	if (write(c, "ab", 2) == 2 && write(c, "cd", 2) == 2) {
		usleep(20000);
		char buf[16];
		rc = merged(read(s, buf, sizeof buf));
	}
	close(c);
	close(s);
	return rc;
}

static int test_mq(void)
{
	char name[48];
	char hex[17];
	for (int i = 0; i < 8; i++)
		hex[i * 2] = "0123456789abcdef"[(unsigned)(now_ns() >> (i * 4)) & 15], hex[i * 2 + 1] = 'b';
	hex[16] = 0;
	snprintf(name, sizeof name, "/ipcsh-bench-%s", hex);
	struct mq_attr at = {.mq_maxmsg = 2, .mq_msgsize = 16};
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC, 0600, &at);
	if (q == (mqd_t)-1)
		return -1;
	mq_unlink(name); /* at once: only the descriptor holds it */
	int rc = -1;
	if (mq_send(q, "ab", 2, 0) == 0 && mq_send(q, "cd", 2, 0) == 0) {
		char buf[16];
		rc = merged(mq_receive(q, buf, sizeof buf, NULL));
	}
	mq_close(q);
	return rc;
}

static int test_msg(void)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id < 0)
		return -1;
	struct { long t; char m[16]; } a = {1, "ab"}, b = {1, "cd"}, r;
	int rc = -1;
	if (msgsnd(id, &a, 2, IPC_NOWAIT) == 0 && msgsnd(id, &b, 2, IPC_NOWAIT) == 0)
		rc = merged(msgrcv(id, &r, sizeof r.m, 0, IPC_NOWAIT));
	msgctl(id, IPC_RMID, NULL);
	return rc;
}

/* 1 boundaries kept, 0 not, -1 not testable here; *tested false when the
 * answer is the mechanism's design (shared memory holds bytes). */
static int boundaries(const char *kind, bool *tested)
{
	*tested = true;
	int p[2];
	if (!strcmp(kind, "pipe") || !strcmp(kind, "fifo")) /* a FIFO is a pipe inode */
		return pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0 ? -1 : test_fds(p[1], p[0]);
	if (!strcmp(kind, "sock"))
		return test_socket(SOCK_STREAM);
	if (!strcmp(kind, "dgram"))
		return test_socket(SOCK_DGRAM);
	if (!strcmp(kind, "seqpacket"))
		return test_socket(SOCK_SEQPACKET);
	if (!strcmp(kind, "tcp"))
		return test_tcp();
	if (!strcmp(kind, "mq"))
		return test_mq();
	if (!strcmp(kind, "msg"))
		return test_msg();
	*tested = false;
	return 0;
}

/* ---- rankings ---- */

struct cmp_row {
	const struct row *r;
	const struct mech *m;
	struct row_summary s;
	double cpu_gb;          /* CPU seconds per GB moved */
	int rank[4];            /* gbps, small, rtt, cpu; 0: not measured */
	int star_rank;
	int bound;
	bool bound_tested;
};

static double col(const struct cmp_row *x, int k)
{
	switch (k) {
	case 0: return x->s.gbps;
	case 1: return x->s.small_rate;
	case 2: return x->r->nlat ? x->s.rtt_med : 0;
	default: return x->cpu_gb;
	}
}

/* Rank 1 is best: higher for throughput and rate, lower for time and CPU. */
static void rank_all(struct cmp_row *v, size_t n)
{
	for (int k = 0; k < 4; k++)
		for (size_t i = 0; i < n; i++) {
			double a = col(&v[i], k);
			if (a <= 0)
				continue;
			int rank = 1;
			for (size_t j = 0; j < n; j++) {
				double b = col(&v[j], k);
				if (b > 0 && (k < 2 ? b > a : b < a))
					rank++;
			}
			v[i].rank[k] = rank;
		}
	for (size_t i = 0; i < n; i++) {
		int rank = 1;
		for (size_t j = 0; j < n; j++)
			if (v[j].m && v[i].m && v[j].m->stars > v[i].m->stars)
				rank++;
		v[i].star_rank = v[i].m ? rank : 0;
	}
}

static size_t cmp_build(const struct bench_conf *c, struct cmp_row **out)
{
	struct cmp_row *v = xcalloc(c->nrows ? c->nrows : 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];
		if (r->failed || r->nrep == 0)
			continue;
		struct cmp_row *x = &v[n++];
		x->r = r;
		x->m = mech_of(r->label);
		row_summarize(r, &x->s);
		x->cpu_gb = c->bytes ? x->s.cpu / ((double)c->bytes / 1e9) : 0;
		x->bound = x->m ? boundaries(x->m->kind, &x->bound_tested) : -1;
	}
	rank_all(v, n);
	*out = v;
	return n;
}

static void stars(struct strbuf *sb, int n)
{
	for (int i = 0; i < 5; i++)
		sb_addc(sb, i < n ? '*' : '.');
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static const char *bound_text(const struct cmp_row *x)
{
	if (x->bound < 0)
		return "?";
	if (!x->bound_tested)
		return "no*";
	return x->bound ? "yes" : "no";
}

static void note(struct strbuf *sb, bool json, bool *first, const char *text)
{
	if (json) {
		sb_adds(sb, *first ? "" : ", ");
		sb_add_json(sb, text);
	} else {
		sb_addf(sb, "note: %s\n", text);
	}
	*first = false;
}

/* The best-measured row among those with `stars` (== or < as asked). */
static const struct cmp_row *best_of(const struct cmp_row *v, size_t n, int stars, bool below)
{
	const struct cmp_row *best = NULL;
	for (size_t j = 0; j < n; j++)
		if (v[j].m && (below ? v[j].m->stars < stars : v[j].m->stars == stars) &&
		    (!best || v[j].s.gbps > best->s.gbps))
			best = &v[j];
	return best;
}

/* Notes: one per star class whose best throughput falls clearly below the
 * best of a class the tutorials rate lower, with the reason. */
static void cmp_notes(struct strbuf *sb, const struct cmp_row *v, size_t n, bool json)
{
	bool first = true;
	for (int stars = 5; stars > 1; stars--) {
		const struct cmp_row *a = best_of(v, n, stars, false), *b = best_of(v, n, stars, true);
		if (!a || !b || a->s.gbps >= b->s.gbps * 0.8)
			continue;
		struct strbuf t = {0};
		sb_addf(&t, "%d stars, yet the best of them, %s, moved %.2f GB/s, below %s (%d stars) at "
			    "%.2f GB/s: ", stars, a->r->label, a->s.gbps, b->r->label, b->m->stars, b->s.gbps);
		if (a->m->relayed && !b->m->relayed)
			sb_adds(&t, "exec'd programs reach it through a relay on each side, two more copies "
				    "and wake-ups per chunk, which a kernel fd between the programs does not pay");
		else if (!strcmp(b->m->kind, "tcp"))
			sb_adds(&t, "TCP's autotuned socket buffers let the producer run further ahead, so "
				    "both sides sleep less; on this machine wake-ups, not copies, set the pace");
		else
			sb_adds(&t, "the stars rate the mechanism; this run measures it as ipcsh wires it "
				    "for exec'd programs");
		note(sb, json, &first, t.buf);
		sb_free(&t);
	}
	/* Round trips: every kernel transport pays about the same wake-up. */
	double lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		double r = v[i].r->nlat ? v[i].s.rtt_med : 0;
		if (r > 0 && (lo == 0 || r < lo))
			lo = r;
		if (r > hi)
			hi = r;
	}
	if (lo > 0 && hi < lo * 1.5) {
		struct strbuf t = {0};
		sb_addf(&t, "round trips span only %.1f..%.1f us: the cost of waking a sleeping process "
			    "dominates, so the latency ranking is noise, whatever the stars say", lo, hi);
		note(sb, json, &first, t.buf);
		sb_free(&t);
	}
}

static void rank_cell(struct strbuf *sb, double v, int prec, const char *unit, int rank)
{
	if (rank <= 0) {
		sb_addf(sb, " %13s", "-");
		return;
	}
	char cell[48];
	snprintf(cell, sizeof cell, "%.*f%s (%d)", prec, v, unit, rank);
	sb_addf(sb, " %13s", cell);
}

void compare_table(struct strbuf *sb, const struct bench_conf *c)
{
	struct cmp_row *v;
	size_t n = cmp_build(c, &v);
	sb_adds(sb, "\nThe tutorials' comparison, measured (rank in brackets, 1 = best; stars: the "
		    "tutorials' rating and the rank it gives)\n");
	sb_addf(sb, "%-26s %-12s %-9s %13s %13s %13s %9s %13s  %-10s %-5s %-9s %s\n", "mechanism", "edge",
		"stars", "GB/s", "64B writes/s", "RTT med us", "p99 us", "CPU s/GB", "boundaries", "bidir",
		"unrelated", "machines");
	for (size_t i = 0; i < n; i++) {
		const struct cmp_row *x = &v[i];
		struct strbuf st = {0};
		if (x->m) {
			stars(&st, x->m->stars);
			sb_addf(&st, " (%d)", x->star_rank);
		}
		sb_addf(sb, "%-26s %-12s %-9s", x->m ? x->m->name : "?", x->r->label, st.buf ? st.buf : "");
		sb_free(&st);
		rank_cell(sb, x->s.gbps, 2, "", x->rank[0]);
		rank_cell(sb, x->s.small_rate / 1e6, 2, "M", x->rank[1]);
		rank_cell(sb, x->s.rtt_med, 1, "", x->rank[2]);
		if (x->r->nlat)
			sb_addf(sb, " %9.1f", x->s.rtt_p99);
		else
			sb_addf(sb, " %9s", "-");
		rank_cell(sb, x->cpu_gb, 2, "", x->rank[3]);
		sb_addf(sb, "  %-10s %-5s %-9s %s\n", bound_text(x), x->m ? yes_no(x->m->bidir) : "?",
			x->m ? yes_no(x->m->unrelated) : "?", x->m ? yes_no(x->m->machines) : "?");
	}
	sb_adds(sb, "boundaries: tested here on the mechanism itself (two sends, one receive); no* = "
		    "shared memory holds bytes, the programs frame them. bidir, unrelated (processes that "
		    "did not inherit it), machines: what the mechanism allows. Through ipcsh every edge "
		    "is one-way and delivers a byte stream to exec'd programs.\n");
	cmp_notes(sb, v, n, false);
	free(v);
}

void compare_json(struct strbuf *sb, const struct bench_conf *c)
{
	struct cmp_row *v;
	size_t n = cmp_build(c, &v);
	sb_adds(sb, "  \"compare\": {\"rows\": [\n");
	for (size_t i = 0; i < n; i++) {
		const struct cmp_row *x = &v[i];
		sb_adds(sb, "    {\"transport\": ");
		sb_add_json(sb, x->r->label);
		sb_adds(sb, ", \"mechanism\": ");
		sb_add_json(sb, x->m ? x->m->name : "?");
		sb_addf(sb, ", \"stars\": %d, \"stars_rank\": %d, \"rank_gbps\": %d, \"rank_small\": %d,"
			    " \"rank_rtt\": %d, \"rank_cpu\": %d, \"cpu_s_per_gb\": %.4f, \"boundaries\": %s,"
			    " \"boundaries_tested\": %s, \"bidirectional\": %s, \"unrelated\": %s,"
			    " \"crosses_machines\": %s}%s\n",
			x->m ? x->m->stars : 0, x->star_rank, x->rank[0], x->rank[1], x->rank[2], x->rank[3],
			x->cpu_gb, x->bound < 0 ? "null" : x->bound ? "true" : "false",
			x->bound_tested ? "true" : "false", x->m && x->m->bidir ? "true" : "false",
			x->m && x->m->unrelated ? "true" : "false", x->m && x->m->machines ? "true" : "false",
			i + 1 < n ? "," : "");
	}
	sb_adds(sb, "  ], \"notes\": [");
	cmp_notes(sb, v, n, true);
	sb_adds(sb, "]},\n");
	free(v);
}
