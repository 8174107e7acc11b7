/* test_transport.c — every transport driven through its ops directly (see
 * edge_runner.h): byte-exact delivery at the boundary sizes, --stats
 * counts, early consumer exit, a relay killed mid-stream, fifo:path=, mq
 * limits, fault points with the guardian, and no object left behind. */
#include "tap.h"
#include "edge_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* ---- stages ---- */

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Deterministic pseudo-random bytes, with a '\n' now and then (lines mode). */
static void gen_fill(unsigned char *b, size_t n, uint64_t *s)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = xs(s);
		b[i] = (v & 0x1f) == 0 ? '\n' : (unsigned char)(v >> 24);
	}
}

struct gen {
	uint64_t n, seed;
};

static uint64_t fnv(uint64_t h, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211u;
	return h;
}

static int stage_gen(void *arg)
{
	const struct gen *g = arg;
	uint64_t s = g->seed, left = g->n;
	static unsigned char buf[70000];
	size_t step = 1;
	while (left) {
		/* Varying write sizes: 1, 3, 9, ... up to 64K, then again. */
		size_t n = step < left ? step : (size_t)left;
		n = n < sizeof buf ? n : sizeof buf;
		gen_fill(buf, n, &s);
		if (write_all(1, buf, n) < 0)
			return 1;
		left -= n;
		step = step >= 65536 ? 1 : step * 3;
	}
	return 0;
}

static uint64_t gen_hash(const struct gen *g)
{
	uint64_t s = g->seed, left = g->n, h = 1469598103934665603u;
	static unsigned char buf[70000];
	size_t step = 1;
	while (left) {
		size_t n = step < left ? step : (size_t)left;
		n = n < sizeof buf ? n : sizeof buf;
		gen_fill(buf, n, &s);
		h = fnv(h, buf, n);
		left -= n;
		step = step >= 65536 ? 1 : step * 3;
	}
	return h;
}

struct sink {
	uint64_t bytes, hash;
	int fd0_is_sock;
};
static struct sink *sink; /* shared page */

static int stage_sink(void *arg)
{
	(void)arg;
	static unsigned char buf[1 << 16];
	struct stat st;
	sink->fd0_is_sock = fstat(0, &st) == 0 && S_ISSOCK(st.st_mode);
	uint64_t h = 1469598103934665603u, n = 0;
	ssize_t r;
	while ((r = read(0, buf, sizeof buf)) > 0) {
		h = fnv(h, buf, (size_t)r);
		n += (uint64_t)r;
	}
	sink->bytes = n;
	sink->hash = h;
	return r < 0;
}

static int stage_yes(void *arg)
{
	(void)arg;
	static char buf[4096];
	memset(buf, 'y', sizeof buf);
	for (;;)
		if (write(1, buf, sizeof buf) < 0) {
			fprintf(stderr, "yes: write: %s\n", strerror(errno));
			return errno == EPIPE ? 141 : 1;
		}
}

static int stage_head1(void *arg)
{
	(void)arg;
	char c;
	return read(0, &c, 1) == 1 ? 0 : 1;
}

/* Writes slowly forever, so a relay can be killed mid-stream. */
static int stage_trickle(void *arg)
{
	(void)arg;
	struct timespec ms = {0, 5000000};
	for (;;) {
		if (write(1, "tick\n", 5) < 0)
			return 1;
		nanosleep(&ms, NULL);
	}
}

/* ---- checks ---- */

static void check_exact(const char *spec, uint64_t n, bool stats)
{
	struct gen g = {n, 0x9e3779b97f4a7c15u ^ n};
	struct er_stage p = {stage_gen, &g, NULL}, c = {stage_sink, NULL, NULL};
	struct er_run r;
	memset(sink, 0, sizeof *sink);
	if (er_start(&r, spec, stats, &p, &c) < 0) {
		TAP_OK(0, "%s: %llu bytes: prepare: %s", spec, (unsigned long long)n, r.err.msg);
		return;
	}
	er_wait(&r, 60);
	bool ok = !r.timed_out && er_code(&r, ER_PROD) == 0 && er_code(&r, ER_CONS) == 0 &&
		  sink->bytes == n && sink->hash == gen_hash(&g);
	for (int i = ER_RIN; i < ER_N; i++)
		ok = ok && er_code(&r, i) <= 0;
	if (stats)
		ok = ok && r.e.stats->counted && r.e.stats->bytes == n;
	TAP_OK(ok, "%s: %llu bytes arrive exactly%s", spec, (unsigned long long)n,
	       stats ? ", --stats counts them" : "");
	if (!ok)
		printf("#   got %llu bytes, stats %llu, codes %d %d %d %d %d%s\n",
		       (unsigned long long)sink->bytes, (unsigned long long)r.e.stats->bytes,
		       er_code(&r, 0), er_code(&r, 1), er_code(&r, 2), er_code(&r, 3), er_code(&r, 4),
		       r.timed_out ? " (timed out)" : "");
	er_free(&r);
}

static void check_early_exit(const char *spec)
{
	struct er_stage p = {stage_yes, NULL, NULL}, c = {stage_head1, NULL, NULL};
	struct er_run r;
	if (er_start(&r, spec, false, &p, &c) < 0) {
		TAP_OK(0, "%s: prepare: %s", spec, r.err.msg);
		return;
	}
	er_wait(&r, 20);
	/* sock: ipcsh holds the consumer's end and shuts it down when the
	 * consumer is reaped, so the producer sees EPIPE, never ECONNRESET
	 * (stage_yes maps EPIPE without SIGPIPE to 141 too). */
	int pc = er_code(&r, ER_PROD);
	TAP_OK(!r.timed_out && pc == 128 + SIGPIPE && er_code(&r, ER_CONS) == 0,
	       "%s: yes | head -1 ends, the producer gets SIGPIPE (got %d)", spec, pc);
	if (r.e.ops->relay_in)
		TAP_OK(er_code(&r, ER_RIN) == 0 && er_code(&r, ER_ROUT) == 0,
		       "%s: both relays stop quietly when the consumer leaves (%d %d)", spec,
		       er_code(&r, ER_RIN), er_code(&r, ER_ROUT));
	er_free(&r);
}

static void check_relay_death(const char *spec, int victim)
{
	struct er_stage p = {stage_trickle, NULL, NULL}, c = {stage_sink, NULL, NULL};
	struct er_run r;
	if (er_start(&r, spec, false, &p, &c) < 0) {
		TAP_OK(0, "%s: prepare: %s", spec, r.err.msg);
		return;
	}
	struct timespec t = {0, 100000000};
	nanosleep(&t, NULL);
	kill(r.pid[victim], SIGKILL);
	er_wait(&r, 20);
	int other = victim == ER_RIN ? ER_ROUT : ER_RIN;
	TAP_OK(!r.timed_out && er_code(&r, other) == 1,
	       "%s: %s killed mid-stream: the other relay fails (status %d), nothing hangs", spec,
	       victim == ER_RIN ? "relay_in" : "relay_out", er_code(&r, other));
	er_free(&r);
}

static void check_sock_is_socket(void)
{
	struct gen g = {100, 1};
	struct er_stage p = {stage_gen, &g, NULL}, c = {stage_sink, NULL, NULL};
	struct er_run r;
	memset(sink, 0, sizeof *sink);
	if (er_start(&r, "sock", false, &p, &c) == 0) {
		er_wait(&r, 20);
		er_free(&r);
	}
	TAP_OK(sink->fd0_is_sock && sink->bytes == 100, "sock: the consumer's fd 0 is a socket");
}

static void check_mq_messages(void)
{
	struct gen g = {100000, 7};
	struct er_stage p = {stage_gen, &g, NULL}, c = {stage_sink, NULL, NULL};
	struct er_run r;
	if (er_start(&r, "mq:msgsize=1000", true, &p, &c) < 0) {
		TAP_OK(0, "mq prepare: %s", r.err.msg);
		return;
	}
	er_wait(&r, 20);
	uint64_t m = r.e.stats->msgs;
	TAP_OK(m >= 100 && m <= 100000 && r.e.stats->bytes == 100000,
	       "mq:msgsize=1000: 100000 bytes in %llu messages (>= 100)", (unsigned long long)m);
	TAP_OK(strcmp(r.e.actual, "msgsize=1000,maxmsg=10") == 0, "mq: actual options '%s'", r.e.actual);
	er_free(&r);
}

/* ---- fifo:path= ---- */

static const char *fifo_path;
static int stage_fifo_probe(void *arg)
{
	(void)arg;
	struct stat st;
	bool there = lstat(fifo_path, &st) == 0 && S_ISFIFO(st.st_mode);
	/* Another writer: open the FIFO by name and add to the stream. */
	int fd = open(fifo_path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "other\n", 6) != 6)
		return 3;
	close(fd);
	return write(1, there ? "self\n" : "gone\n", 5) == 5 ? 0 : 1;
}

static void check_fifo_path(const char *dir)
{
	char *path = xasprintf("%s/named", dir);
	char *spec = xasprintf("fifo:path=%s", path);
	fifo_path = path;
	struct er_stage p = {stage_fifo_probe, NULL, NULL}, c = {stage_sink, NULL, NULL};
	struct er_run r;
	memset(sink, 0, sizeof *sink);
	if (er_start(&r, spec, false, &p, &c) < 0) {
		TAP_OK(0, "fifo:path= prepare: %s", r.err.msg);
	} else {
		er_wait(&r, 20);
		uint64_t h = fnv(1469598103934665603u, (const unsigned char *)"other\nself\n", 11);
		TAP_OK(er_code(&r, ER_PROD) == 0 && sink->hash == h,
		       "fifo:path=: visible while running, another writer's bytes arrive too");
		TAP_OK(access(path, F_OK) < 0, "fifo:path=: removed when the pipeline ends (finish)");
		er_free(&r);
	}
	/* An existing FIFO is used and left alone. */
	if (mkfifo(path, 0600) == 0 && er_start(&r, spec, false, &p, &c) == 0) {
		er_wait(&r, 20);
		TAP_OK(access(path, F_OK) == 0, "fifo:path=: an existing FIFO is used and not removed");
		er_free(&r);
	} else {
		TAP_OK(0, "fifo:path=: existing FIFO: %s", r.err.msg);
	}
	unlink(path);
	/* A regular file is refused. */
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	TAP_OK(er_start(&r, spec, false, &p, &c) < 0 && strstr(r.err.msg, "not a FIFO"),
	       "fifo:path=: a regular file is refused: %s", r.err.msg);
	unlink(path);
	free(spec);
	free(path);
}

/* ---- mq limits ---- */

static void check_mq_limits(void)
{
	struct edge e;
	struct errbuf err;
	const char *cases[][2] = {
		{"mq:msgsize=1M", "msgsize_max"},
		{"mq:maxmsg=100000", "msg_max"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		memset(&e, 0, sizeof e);
		e.index = 3;
		if (edge_spec_parse(cases[i][0], strlen(cases[i][0]), &e.spec, &err) < 0)
			abort();
		e.ops = &transport_mq;
		int rc = transport_mq.prepare(&e, &err);
		TAP_OK(rc < 0 && strstr(err.msg, cases[i][1]) && strstr(err.msg, "edge 3->4 (mq)"),
		       "%s refused: %s", cases[i][0], err.msg);
		if (rc == 0)
			transport_mq.release(&e);
	}
	struct rlimit old, rl;
	getrlimit(RLIMIT_MSGQUEUE, &old);
	rl = old;
	rl.rlim_cur = 10000;
	setrlimit(RLIMIT_MSGQUEUE, &rl);
	memset(&e, 0, sizeof e);
	e.index = 1;
	e.ops = &transport_mq;
	int rc = transport_mq.prepare(&e, &err);
	TAP_OK(rc < 0 && strstr(err.msg, "RLIMIT_MSGQUEUE"), "mq beyond RLIMIT_MSGQUEUE refused: %s", err.msg);
	if (rc == 0)
		transport_mq.release(&e);
	/* Room for one small queue by the check, none left for the second. */
	rl.rlim_cur = 3000;
	setrlimit(RLIMIT_MSGQUEUE, &rl);
	struct edge e2;
	memset(&e2, 0, sizeof e2);
	e2.index = 2;
	e2.ops = &transport_mq;
	const char *small = "mq:msgsize=1K,maxmsg=2";
	if (edge_spec_parse(small, strlen(small), &e.spec, &err) < 0 ||
	    edge_spec_parse(small, strlen(small), &e2.spec, &err) < 0)
		abort();
	/* The budget is per user: queues of other root processes count too, so
	 * the first queue may already be the one refused. */
	int rc1 = transport_mq.prepare(&e, &err);
	int rc2 = rc1 == 0 ? transport_mq.prepare(&e2, &err) : 0;
	TAP_OK((rc1 < 0 || rc2 < 0) && strstr(err.msg, "per-user queue budget") &&
		       strstr(err.msg, "not about file descriptors"),
	       "mq: EMFILE explained as the per-user queue budget: %s", err.msg);
	if (rc1 == 0)
		transport_mq.release(&e);
	if (rc2 == 0)
		transport_mq.release(&e2);
	setrlimit(RLIMIT_MSGQUEUE, &old);
}

/* ---- leaks and fault points ---- */

static char *snapshot(const char *tmpdir)
{
	struct strbuf sb = {0};
	const char *dirs[] = {"/dev/mqueue", "/dev/shm", tmpdir};
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.')
				sb_addf(&sb, "%s/%s\n", dirs[i], de->d_name);
		if (d)
			closedir(d);
	}
	/* System V objects of this user that have a key (ipcsh's while they
	 * are tracked: an attached segment removed at once has key 0). */
	const char *sysv[] = {"/proc/sysvipc/msg", "/proc/sysvipc/shm", "/proc/sysvipc/sem"};
	for (size_t i = 0; i < ARRAY_LEN(sysv); i++) {
		FILE *f = fopen(sysv[i], "re");
		char line[512];
		while (f && fgets(line, sizeof line, f)) {
			long key, id;
			if (sscanf(line, "%ld %ld", &key, &id) == 2 && key != 0)
				sb_addf(&sb, "%s %ld %ld\n", sysv[i], key, id);
		}
		if (f)
			fclose(f);
	}
	return sb_detach(&sb);
}

/* Count entries of the snapshot (order from readdir is stable enough for
 * equal sets, but compare as multisets to be safe). */
static bool same_set(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	for (const char *p = a; *p;) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, (size_t)(nl - p + 1));
		bool found = strstr(b, line) != NULL;
		free(line);
		if (!found)
			return false;
		p = nl + 1;
	}
	return true;
}

/* In a child: IPCSH_FAULT=point, prepare spec (which dies at the point). */
static void check_fault(const char *point, const char *spec, const char *tmpdir)
{
	char *before = snapshot(tmpdir);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("IPCSH_FAULT", point, 1);
		struct edge e;
		struct errbuf err;
		memset(&e, 0, sizeof e);
		e.index = 1;
		if (edge_spec_parse(spec, strlen(spec), &e.spec, &err) < 0)
			_exit(2);
		e.ops = transport_ops_for(e.spec.kind);
		e.rfd = e.wfd = -1;
		_exit(e.ops->prepare(&e, &err) < 0 ? 3 : 4);
	}
	int st;
	waitpid(pid, &st, 0);
	bool killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	/* The object existed at the kill; the guardian removes it on EOF. */
	char *after = NULL;
	for (int i = 0; i < 500; i++) {
		free(after);
		after = snapshot(tmpdir);
		if (same_set(before, after))
			break;
		struct timespec ms = {0, 10000000};
		nanosleep(&ms, NULL);
	}
	TAP_OK(killed && same_set(before, after), "fault point %s (%s): killed, nothing left behind", point,
	       spec);
	if (!same_set(before, after))
		printf("# before:\n%s# after:\n%s", before, after);
	free(before);
	free(after);
}

int main(void)
{
	signal(SIGPIPE, SIG_DFL);
	if (access("/dev/mqueue", F_OK) < 0)
		mkdir("/dev/mqueue", 0755);
	if (mount("none", "/dev/mqueue", "mqueue", 0, NULL) < 0 && errno != EBUSY) {
		/* Not root: the leak check then sees only /dev/shm and TMPDIR. */
	}
	char tmpl[] = "/tmp/ipcsh-test-XXXXXX";
	char *tmpdir = mkdtemp(tmpl);
	if (!tmpdir)
		return 1;
	setenv("TMPDIR", tmpdir, 1);
	sink = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *before = snapshot(tmpdir);

	/* One table: every transport goes through the same cases. */
	static const struct {
		const char *spec;
		bool relayed; /* a relay on each side (killed mid-stream below) */
	} all[] = {
		{"pipe", false}, {"fifo", false}, {"sock", false}, {"mq", true}, {"mq:lines", true},
		{"shm", true}, {"msg", true}, {"msg:lines", true}, {"sysvshm", true}, {"mmap", true},
		{"dgram", true}, {"dgram:lines", true}, {"seqpacket", true}, {"seqpacket:lines", true},
		{"tcp", false}, {"tcp:nodelay", false},
	};
	static const uint64_t sizes[] = {0, 1, 4095, 4096, 4097, 8191, 8192, 8193};
	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		for (size_t j = 0; j < ARRAY_LEN(sizes); j++)
			check_exact(all[i].spec, sizes[j], j % 2 == 0);
		check_exact(all[i].spec, (1u << 20) - 1, true);
		check_exact(all[i].spec, 1u << 20, false);
		check_exact(all[i].spec, (1u << 20) + 1, true);
		check_exact(all[i].spec, 64u << 20, true);
	}
	/* Small objects: messages, slots and buffers much smaller than writes. */
	static const char *small[] = {"mq:msgsize=1000,maxmsg=3", "mq:lines,msgsize=100", "shm:size=4096",
				      "shm:size=5000", "pipe:size=4096", "fifo:size=64K", "sock:buf=4096",
				      "msg:msgsize=1000,maxbytes=3000", "msg:lines,msgsize=100",
				      "sysvshm:size=4096", "mmap:size=4096", "dgram:msgsize=100",
				      "seqpacket:lines,msgsize=100", "dgram:buf=4096,msgsize=1000",
				      "tcp:buf=4096"};
	static const uint64_t ssizes[] = {0, 99, 100, 101, 999, 1000, 1001, 4095, 4096, 4097, 8191, 8192,
					  8193, 300000};
	for (size_t i = 0; i < ARRAY_LEN(small); i++)
		for (size_t j = 0; j < ARRAY_LEN(ssizes); j++)
			check_exact(small[i], ssizes[j], j % 2 == 1);

	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		check_early_exit(all[i].spec);
	check_early_exit("shm:size=4K");
	check_early_exit("sysvshm:size=4K");
	check_early_exit("mmap:size=4K");
	check_early_exit("tcp:buf=4K");
	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		if (all[i].relayed && !strchr(all[i].spec, ':')) {
			check_relay_death(all[i].spec, ER_RIN);
			check_relay_death(all[i].spec, ER_ROUT);
		}
	check_sock_is_socket();
	check_mq_messages();
	check_fifo_path(tmpdir);
	check_mq_limits();

	/* Polled: another program of the user may hold a name for a moment. */
	char *after = NULL;
	for (int i = 0; i < 200 && (!after || !same_set(before, after)); i++) {
		free(after);
		after = snapshot(tmpdir);
		struct timespec ms = {0, 10000000};
		if (!same_set(before, after))
			nanosleep(&ms, NULL);
	}
	TAP_OK(same_set(before, after), "no queue, shm object or temp entry left after the runs");
	free(after);

	char *named = xasprintf("fifo:path=%s/faulted", tmpdir);
	check_fault("mq-open", "mq", tmpdir);
	check_fault("fifo-mkdir", "fifo", tmpdir);
	check_fault("fifo-mkfifo", "fifo", tmpdir);
	check_fault("fifo-path", named, tmpdir);
	check_fault("shm-map", "shm", tmpdir);
	check_fault("sock-pair", "sock", tmpdir);
	check_fault("msg-get", "msg", tmpdir);
	check_fault("sysvshm-shmget", "sysvshm", tmpdir);
	check_fault("sysvshm-semget", "sysvshm", tmpdir);
	check_fault("mmap-file", "mmap", tmpdir);
	free(named);
	named = xasprintf("mmap:path=%s/faulted", tmpdir);
	check_fault("mmap-file", named, tmpdir);
	check_fault("dgram-pair", "dgram", tmpdir);
	check_fault("dgram-pair", "seqpacket", tmpdir);
	check_fault("tcp-connect", "tcp", tmpdir);
	free(named);
	free(before);
	rmdir(tmpdir);
	return tap_done();
}
