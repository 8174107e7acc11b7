/* daemon_fire.c — test helper for make stress (tests/stress/daemon-fire.sh):
 * opens N hostile connections to one ipcshd on 127.0.0.1 from J worker
 * processes and checks that the daemon closes every one of them within the
 * handshake deadline.
 *
 *   daemon_fire -p PORT -k KEYFILE -m MARKDIR [-n N] [-j J] [-d DEADLINE] [-S SLACK]
 *
 * A connection is late when the daemon has not closed it DEADLINE + SLACK
 * seconds (default 3) after connect; the slack covers the accept backlog
 * and scheduling on a loaded host.
 *
 * First one honest session runs `fire-marker MARKDIR/recorded` and its
 * client-to-server bytes are recorded (the replay material); its marker is
 * checked and removed. Then each connection is one of the kinds below. Kinds
 * marked (key) hold an authorised client key (KEYFILE, a private key) and
 * misbehave after authenticating; unlisted-key completes the handshake with
 * a key the daemon does not admit and asks for a command. fire-marker
 * (allowed by the daemon) creates the file named by its argument, so any
 * command run by a hostile connection leaves a file in MARKDIR: the caller
 * checks that none appears. Prints one line per kind and a summary; exits 1
 * when a connection was not closed in time or got an answer it must not get.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "remote/keyfile.h"
#include "remote/proto.h"
#include "util/util.h"

enum kind {
	K_GARBAGE, K_HTTP, K_LEN_MAX, K_BAD_MAC, K_FLIP, K_TRUNC, K_REPLAY, K_REFLECT, K_MODE,
	K_VERSION, K_CLOSE, K_RESET, K_REORDER, K_OLD_FRAME, K_BIGLEN_AFTER, K_TAMPER, K_DENIED,
	K_LD_ENV, K_NO_EXEC, K_SLOWLORIS, K_SILENCE, K_NKINDS
};
static const char *const kind_name[K_NKINDS] = {
	"garbage", "http-request", "length-2^32-1", "unlisted-key", "bit-flipped-hello",
	"truncated-hello", "replayed-session", "reflected-server-hello", "wrong-mode", "wrong-version",
	"connect-close", "connect-reset", "reordered-frames(key)", "replayed-frame(key)",
	"length-2^32-1-after-auth(key)", "tampered-exec(key)", "command-outside-allow(key)",
	"LD_-env(key)", "no-exec-first(key)", "slow-loris", "handshake-then-silence(key)",
};

struct kstat {
	_Atomic unsigned long n, closed, late, answered_exec, errors_126, busy;
	_Atomic unsigned long max_close_us;
};
static struct kstat *stats; /* shared between workers */
static uint32_t *close_ms;   /* per connection, shared: time to the daemon's close */
static unsigned limit_ms;    /* the deadline plus slack: later is late */

static uint16_t port;
static uint8_t key[RP_KEY_BYTES];
static const char *markdir;
static unsigned deadline_s = 10, slack_s = 3;
/* The honest session's client bytes: H1 record, H3 record, frames. */
static uint8_t rec_h1[4 + RHS_HELLO_NOISE], rec_h3[4 + RHS_FINISH_NOISE],
	rec_h2[4 + RHS_ANSWER_NOISE];
static uint8_t *rec_frames;
static size_t rec_frames_len;

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_bytes(int fd, const void *p, size_t n)
{
	if (write_all(fd, p, n) < 0) { /* the daemon may close first: fine */ }
}

/* Read until the daemon closes (EOF or reset) or wait_ms passes.
 * Returns 1 closed, 0 not closed in time. Input is kept in c if given. */
static int wait_closed(int fd, struct rconn *c, unsigned wait_ms)
{
	uint64_t end = now_ns() + (uint64_t)wait_ms * 1000000u;
	uint8_t buf[4096];
	for (;;) {
		uint64_t now = now_ns();
		if (now >= end)
			return 0;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, (int)((end - now) / 1000000u) + 1);
		if (r <= 0)
			continue;
		ssize_t n;
		if (c) {
			n = rconn_read(c);
			if (n < 0 && errno == EAGAIN)
				continue;
		} else {
			n = read(fd, buf, sizeof buf);
		}
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return 1;
	}
}

/* An honest handshake on fd with the client key k; returns the
 * connection, or NULL. When rec is set, the records are kept for replay. */
static struct rconn *handshake(int fd, const uint8_t *k, bool rec, bool *busy)
{
	struct rconn *c = rconn_new(fd, fd);
	struct rhs h;
	struct errbuf e = {{0}};
	uint8_t out[RHS_MAX], tmp[4 + RHS_MAX];
	uint64_t dl = now_ns() + 5000000000u;
	rhs_init(&h, 'C', RP_MODE_NOISE, k, 0);
	size_t n = rhs_client_hello(&h, out);
	rconn_send_raw(c, out, n);
	size_t taken = rconn_take_output(c, tmp, sizeof tmp);
	if (rec)
		memcpy(rec_h1, tmp, sizeof rec_h1);
	send_bytes(fd, tmp, taken);
	const uint8_t *body;
	size_t len;
	int r = rconn_wait_raw(c, RHS_MAX, dl, &body, &len, &e);
	if (r == 1)
		r = rhs_client_finish(&h, body, len, out, &n, &e);
	else
		r = RHS_E_PROTO;
	if ((r == RHS_E_BUSY || r == RHS_E_RETRY) && busy) {
		*busy = true;
		rhs_wipe(&h);
		rconn_free(c);
		return NULL;
	}
	if (r != RHS_OK)
		goto fail;
	if (rec) {
		rp_put32(rec_h2, (uint32_t)len);
		memcpy(rec_h2 + 4, body, len < RHS_ANSWER_NOISE ? len : RHS_ANSWER_NOISE);
	}
	rconn_send_raw(c, out, n);
	taken = rconn_take_output(c, tmp, sizeof tmp);
	if (rec)
		memcpy(rec_h3, tmp, sizeof rec_h3);
	send_bytes(fd, tmp, taken);
	rhs_install(&h, c);
	rhs_wipe(&h);
	return c;
fail:
	fprintf(stderr, "daemon_fire: honest handshake failed: %s\n", e.msg);
	rhs_wipe(&h);
	rconn_free(c);
	return NULL;
}

/* Queue an EXEC of argv (and raw env strings, unchecked) on c. */
static void queue_exec(struct rconn *c, char *const *argv, char *const *env)
{
	uint8_t *p = rconn_payload_buf(c);
	size_t argc = 0, envc = 0, off = 4;
	while (argv[argc])
		argc++;
	while (env && env[envc])
		envc++;
	p[0] = (uint8_t)(argc >> 8), p[1] = (uint8_t)argc;
	p[2] = (uint8_t)(envc >> 8), p[3] = (uint8_t)envc;
	for (size_t i = 0; i < argc + envc; i++) {
		const char *s = i < argc ? argv[i] : env[i - argc];
		size_t n = strlen(s);
		p[off] = (uint8_t)(n >> 8), p[off + 1] = (uint8_t)n;
		memcpy(p + off + 2, s, n);
		off += 2 + n;
	}
	rconn_send(c, RP_EXEC, 0, off, false);
}

/* Take what c queued into a heap buffer. */
static uint8_t *take_all(struct rconn *c, size_t *len)
{
	*len = rconn_pending(c);
	uint8_t *b = xmalloc(*len ? *len : 1);
	*len = rconn_take_output(c, b, *len);
	return b;
}

/* The recording session: run fire-marker MARKDIR/recorded to its end. */
static int record_session(void)
{
	int fd = dial();
	if (fd < 0) {
		perror("daemon_fire: connect");
		return -1;
	}
	struct rconn *c = handshake(fd, key, true, NULL);
	if (!c)
		return -1;
	char *path = xasprintf("%s/recorded", markdir);
	char *argv[] = {"fire-marker", path, NULL};
	queue_exec(c, argv, NULL);
	rconn_send_msg(c, RP_EOF, 0, NULL, 0, false);
	rec_frames = take_all(c, &rec_frames_len);
	send_bytes(fd, rec_frames, rec_frames_len);
	int got_exit = 0;
	struct errbuf e = {{0}};
	struct rframe f;
	wait_closed(fd, c, 10000);
	while (rconn_next(c, &f, &e) == 1)
		got_exit |= f.type == RP_EXIT && f.len == 2 && f.payload[0] == 0 && f.payload[1] == 0;
	free(path);
	rconn_free(c);
	close(fd);
	if (!got_exit)
		fprintf(stderr, "daemon_fire: the recording session did not exit 0\n");
	return got_exit ? 0 : -1;
}

static void random_bytes(uint8_t *p, size_t n)
{
	randombytes_buf(p, n);
}

/* Kinds without the key: bytes to send. */
static size_t build_clear(enum kind k, uint8_t *b, size_t cap)
{
	size_t n = 0;
	switch (k) {
	case K_GARBAGE:
		n = 1 + randombytes_uniform(2048);
		random_bytes(b, n);
		break;
	case K_HTTP:
		n = (size_t)snprintf((char *)b, cap, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
		break;
	case K_LEN_MAX:
		memset(b, 0xff, 4);
		random_bytes(b + 4, 60);
		n = 64;
		break;
	case K_FLIP: {
		struct rhs h;
		rhs_init(&h, 'C', RP_MODE_NOISE, key, 0);
		n = rhs_client_hello(&h, b + 4);
		rp_put32(b, (uint32_t)n);
		rhs_wipe(&h);
		size_t bit = randombytes_uniform((uint32_t)(n * 8));
		b[4 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		n += 4;
		break;
	}
	case K_TRUNC:
		n = 1 + randombytes_uniform(sizeof rec_h1 - 1);
		memcpy(b, rec_h1, n);
		break;
	case K_REPLAY:
		memcpy(b, rec_h1, sizeof rec_h1);
		memcpy(b + sizeof rec_h1, rec_h3, sizeof rec_h3);
		n = sizeof rec_h1 + sizeof rec_h3;
		if (n + rec_frames_len <= cap) {
			memcpy(b + n, rec_frames, rec_frames_len);
			n += rec_frames_len;
		}
		break;
	case K_REFLECT:
		memcpy(b, rec_h2, sizeof rec_h2);
		n = sizeof rec_h2;
		break;
	case K_MODE:
		memcpy(b, rec_h1, sizeof rec_h1);
		b[4 + 6] = RP_MODE_CLEAR;
		n = sizeof rec_h1;
		break;
	case K_VERSION:
		memcpy(b, rec_h1, sizeof rec_h1);
		b[4 + 4] = 9, b[4 + 5] = 200;
		n = sizeof rec_h1;
		break;
	default:
		break;
	}
	return n;
}

/* Count one connection's end: closed at all, and how long after connect. */
static void note_close(struct kstat *st, unsigned long i, int closed, uint64_t t0)
{
	uint64_t us = (now_ns() - t0) / 1000u;
	close_ms[i] = (uint32_t)(us / 1000u) + 1;
	if (closed && us <= (uint64_t)limit_ms * 1000u)
		atomic_fetch_add(&st->closed, 1);
	else
		atomic_fetch_add(&st->late, 1);
	unsigned long old = atomic_load(&st->max_close_us);
	while (us > old && !atomic_compare_exchange_weak(&st->max_close_us, &old, us)) { }
}

/* Kinds with the key: authenticate, then misbehave, then wait for the
 * daemon to close; an EXIT frame would mean a command ran. */
static void keyed(enum kind k, int fd, struct kstat *st, unsigned long i, uint64_t t0)
{
	bool busy = false;
	uint8_t wrong[RP_KEY_BYTES];
	random_bytes(wrong, sizeof wrong);
	struct rconn *c = handshake(fd, k == K_BAD_MAC ? wrong : key, false, &busy);
	if (!c) { /* refused (BUSY) or the handshake failed */
		note_close(st, i, busy, t0);
		if (busy)
			atomic_fetch_add(&st->busy, 1);
		return;
	}
	char *m = xasprintf("%s/%s.%d", markdir, kind_name[k], (int)getpid());
	char *fire[] = {"fire-marker", m, NULL};
	uint8_t *b = NULL;
	size_t n = 0;
	switch (k) {
	case K_REORDER: {
		queue_exec(c, fire, NULL);
		size_t n1;
		uint8_t *first = take_all(c, &n1);
		rconn_send_msg(c, RP_DATA, 0, "x", 1, false);
		uint8_t *second = take_all(c, &n);
		b = xmalloc(n + n1);
		memcpy(b, second, n);
		memcpy(b + n, first, n1);
		n += n1;
		free(first);
		free(second);
		break;
	}
	case K_OLD_FRAME:
		b = xmalloc(rec_frames_len);
		memcpy(b, rec_frames, rec_frames_len);
		n = rec_frames_len;
		break;
	case K_BIGLEN_AFTER:
		b = xmalloc(64);
		memset(b, 0xff, 4);
		random_bytes(b + 4, 60);
		n = 64;
		break;
	case K_TAMPER: {
		queue_exec(c, fire, NULL);
		b = take_all(c, &n);
		size_t bit = 32 + randombytes_uniform((uint32_t)((n - 4) * 8));
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		break;
	}
	case K_DENIED: {
		static const char *const variants[][4] = {
			{"touch", NULL}, {"sh", "-c", "touch \"$0\"", NULL}, {"/usr/bin/touch", NULL},
			{"env", "fire-marker", NULL}, {"./fire-marker", NULL}, {"../bin/fire-marker", NULL},
		};
		const char *const *v = variants[randombytes_uniform(ARRAY_LEN(variants))];
		char *argv[6];
		size_t j = 0;
		for (; v[j]; j++)
			argv[j] = (char *)v[j];
		argv[j++] = m;
		argv[j] = NULL;
		queue_exec(c, argv, NULL);
		b = take_all(c, &n);
		break;
	}
	case K_LD_ENV: {
		char *env[] = {"LD_PRELOAD=/nonexistent.so", NULL};
		queue_exec(c, fire, env);
		b = take_all(c, &n);
		break;
	}
	case K_BAD_MAC:
		queue_exec(c, fire, NULL);
		b = take_all(c, &n);
		break;
	case K_NO_EXEC:
		rconn_send_msg(c, RP_DATA, 0, "hello", 5, false);
		b = take_all(c, &n);
		break;
	default: /* K_SILENCE */
		break;
	}
	if (n)
		send_bytes(fd, b, n);
	free(b);
	int closed = wait_closed(fd, c, limit_ms);
	note_close(st, i, closed, t0);
	struct errbuf e = {{0}};
	struct rframe f;
	int r;
	while ((r = rconn_next(c, &f, &e)) == 1) {
		if (f.type == RP_EXIT)
			atomic_fetch_add(&st->answered_exec, 1);
		if (f.type == RP_ERROR && f.len >= 1 && (f.payload[0] == 126 || f.payload[0] == 127 ||
							 f.payload[0] == 1))
			atomic_fetch_add(&st->errors_126, 1);
	}
	free(m);
	rconn_free(c);
}

static enum kind pick(unsigned long i)
{
	if (i % 40 == 0)
		return K_SLOWLORIS;
	if (i % 40 == 20)
		return K_SILENCE;
	static const enum kind fast[] = {
		K_GARBAGE, K_HTTP, K_LEN_MAX, K_BAD_MAC, K_FLIP, K_TRUNC, K_REPLAY, K_REFLECT, K_MODE,
		K_VERSION, K_CLOSE, K_RESET, K_REORDER, K_OLD_FRAME, K_BIGLEN_AFTER, K_TAMPER,
		K_DENIED, K_LD_ENV, K_NO_EXEC,
	};
	return fast[(i / 2 + i % 2) % ARRAY_LEN(fast)];
}

static void one(unsigned long i)
{
	enum kind k = pick(i);
	struct kstat *st = &stats[k];
	atomic_fetch_add(&st->n, 1);
	uint64_t t0 = now_ns();
	int fd = dial();
	if (fd < 0) {
		note_close(st, i, 0, t0);
		fprintf(stderr, "daemon_fire: connect: %s\n", strerror(errno));
		return;
	}
	if ((k >= K_REORDER && k != K_SLOWLORIS) || k == K_BAD_MAC) {
		keyed(k, fd, st, i, t0);
		close(fd);
		return;
	}
	if (k == K_CLOSE || k == K_RESET) {
		if (k == K_RESET) {
			struct linger l = {.l_onoff = 1, .l_linger = 0};
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
		}
		close(fd);
		note_close(st, i, 1, t0);
		return;
	}
	if (k == K_SLOWLORIS) {
		/* One byte of an honest hello every 100 ms: never complete in time. */
		uint64_t end = t0 + (uint64_t)limit_ms * 1000000u;
		int closed = 0;
		for (size_t b = 0; b < sizeof rec_h1 && now_ns() < end && !closed; b++) {
			send_bytes(fd, rec_h1 + b, 1);
			closed = wait_closed(fd, NULL, 100);
		}
		uint64_t now = now_ns();
		if (!closed && now < end)
			closed = wait_closed(fd, NULL, (unsigned)((end - now) / 1000000u) + 1);
		note_close(st, i, closed, t0);
		close(fd);
		return;
	}
	size_t cap = 4096 + rec_frames_len;
	uint8_t *b = xmalloc(cap);
	size_t n = build_clear(k, b, cap);
	send_bytes(fd, b, n);
	if (k == K_TRUNC)
		shutdown(fd, SHUT_WR);
	free(b);
	note_close(st, i, wait_closed(fd, NULL, limit_ms), t0);
	close(fd);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* p50, p99 and max of the close times (ms) of kind k's connections. */
static void kind_times(enum kind k, unsigned long total, uint32_t out[3])
{
	uint32_t *v = xcalloc(total + 1, sizeof *v);
	size_t n = 0;
	for (unsigned long i = 0; i < total; i++)
		if (pick(i) == k && close_ms[i])
			v[n++] = close_ms[i] - 1;
	qsort(v, n, sizeof *v, cmp_u32);
	out[0] = n ? v[n / 2] : 0;
	out[1] = n ? v[n * 99 / 100] : 0;
	out[2] = n ? v[n - 1] : 0;
	free(v);
}

static int report(unsigned long total)
{
	unsigned long n = 0, closed = 0, late = 0, exits = 0, refused = 0, busy = 0;
	uint32_t fast_p99 = 0, fast_max = 0, slow_max = 0;
	printf("  %-32s %6s %6s %5s %7s %7s %7s  %s\n", "kind", "conns", "closed", "late", "p50-ms",
	       "p99-ms", "max-ms", "note");
	for (int k = 0; k < K_NKINDS; k++) {
		struct kstat *s = &stats[k];
		if (!s->n)
			continue;
		char note[64] = "";
		if (k == K_DENIED || k == K_LD_ENV)
			snprintf(note, sizeof note, "ERROR frames: %lu", (unsigned long)s->errors_126);
		if (s->busy)
			snprintf(note + strlen(note), sizeof note - strlen(note), " busy: %lu",
				 (unsigned long)s->busy);
		if (s->answered_exec)
			snprintf(note, sizeof note, "EXIT RECEIVED: %lu", (unsigned long)s->answered_exec);
		uint32_t t[3];
		kind_times((enum kind)k, total, t);
		printf("  %-32s %6lu %6lu %5lu %7u %7u %7u  %s\n", kind_name[k], (unsigned long)s->n,
		       (unsigned long)s->closed, (unsigned long)s->late, t[0], t[1], t[2], note);
		n += s->n, closed += s->closed, late += s->late, exits += s->answered_exec;
		busy += s->busy;
		if (k == K_DENIED || k == K_LD_ENV)
			refused += s->errors_126;
		if (k == K_SLOWLORIS || k == K_SILENCE) {
			slow_max = t[2] > slow_max ? t[2] : slow_max;
		} else {
			fast_p99 = t[1] > fast_p99 ? t[1] : fast_p99;
			fast_max = t[2] > fast_max ? t[2] : fast_max;
		}
	}
	printf("hostile=%lu closed=%lu late=%lu exits=%lu exec_refused=%lu busy=%lu "
	       "worst_p99_ms=%u max_close_ms=%u max_close_slow_ms=%u limit_ms=%u\n", n, closed,
	       late, exits, refused, busy, fast_p99, fast_max, slow_max, limit_ms);
	return n == total && late == 0 && exits == 0 && closed == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long total = 20000, jobs = 64;
	const char *keyfile = NULL;
	int c;
	while ((c = getopt(argc, argv, "p:k:m:n:j:d:S:")) != -1) {
		switch (c) {
		case 'p': port = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'k': keyfile = optarg; break;
		case 'm': markdir = optarg; break;
		case 'n': total = strtoul(optarg, NULL, 10); break;
		case 'j': jobs = strtoul(optarg, NULL, 10); break;
		case 'd': deadline_s = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': slack_s = (unsigned)strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	struct errbuf e = {{0}};
	uint8_t pub[RP_KEY_BYTES];
	if (!port || !keyfile || !markdir || !jobs || sodium_init() < 0 ||
	    key_load_private(keyfile, key, pub, &e) < 0) {
		fprintf(stderr, "usage: daemon_fire -p PORT -k KEYFILE -m MARKDIR [-n N] [-j J] "
				"[-d DEADLINE] [-S SLACK] %s\n", e.msg);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (record_session() < 0)
		return 1;
	/* The honest command ran and left its marker: proof that markers show
	 * executions. Remove it; from here on no marker may appear. */
	char *rec = xasprintf("%s/recorded", markdir);
	if (unlink(rec) < 0) {
		fprintf(stderr, "daemon_fire: %s: %s (fire-marker did not run)\n", rec, strerror(errno));
		return 1;
	}
	free(rec);
	stats = mmap(NULL, K_NKINDS * sizeof *stats, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	close_ms = mmap(NULL, (total + 1) * sizeof *close_ms, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED || close_ms == MAP_FAILED)
		return 2;
	/* Closed within the deadline, plus scheduling slack on a loaded host. */
	limit_ms = (deadline_s + slack_s) * 1000;
	uint64_t t0 = now_ns();
	for (unsigned long w = 0; w < jobs; w++) {
		pid_t pid = fork();
		if (pid == 0) {
			for (unsigned long i = w; i < total; i += jobs)
				one(i);
			_exit(0);
		}
	}
	int st, bad = 0;
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	printf("%lu hostile connections in %.1f s from %lu workers:\n", total,
	       (double)(now_ns() - t0) / 1e9, jobs);
	return report(total) | bad;
}
