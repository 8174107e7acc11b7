/* daemon_flood.c — test helper for tests/daemon-security.bats: floods of
 * the kinds an attacker holding (or not holding) the key can send ipcshd.
 *
 *   daemon_flood frames -p PORT -k KEYFILE [-n N]
 *     Authenticate, run `sh -c 'echo $PPID; exec cat >/dev/null'`, stop it
 *     (SIGNAL 19), send N (default 2097152) one-byte DATA frames, continue
 *     it, and wait for its EXIT. Prints the session process's resident
 *     size before the flood and its peak at the end:
 *       session PID rss_before_kb N peak_kb N
 *   daemon_flood idle -p PORT [-s SRCADDR] [-n N]
 *     Hold N idle connections from SRCADDR (default 127.0.0.1) that never
 *     send a byte, opening a new one whenever the daemon closes one, until
 *     standard input reaches EOF. Prints "holding N" once N were opened,
 *     then, at the end, "opened N closed-by-daemon N".
 *   daemon_flood stall -p PORT -k KEYFILE [-s SRCADDR] [-n N]
 *     Open N connections from SRCADDR that each send an honest client hello
 *     and then nothing (a handshake never finished), and keep them until
 *     standard input reaches EOF. Prints "stalled S refused R" once all N
 *     were tried: S got the server's hello, R were refused.
 * Exits 1 when something fails, with a message on stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "remote/keyfile.h"
#include "remote/proto.h"
#include "util/util.h"

static uint16_t port;
static const char *srcaddr = "127.0.0.1";

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, srcaddr, &a.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "daemon_flood: %s: %s\n", what, why);
	exit(1);
}

/* An honest handshake on fd (blocking) with the client key. */
static struct rconn *handshake(int fd, const uint8_t *key)
{
	struct rconn *c = rconn_new(fd, fd);
	struct rhs h;
	struct errbuf e = {{0}};
	uint8_t out[RHS_MAX];
	uint64_t dl = now_ns() + 10000000000u;
	rhs_init(&h, 'C', RP_MODE_NOISE, key, 0);
	size_t n = rhs_client_hello(&h, out);
	rconn_send_raw(c, out, n);
	if (rconn_flush_wait(c, dl) < 0)
		die("handshake", strerror(errno));
	const uint8_t *body;
	size_t len;
	if (rconn_wait_raw(c, RHS_MAX, dl, &body, &len, &e) != 1 ||
	    rhs_client_finish(&h, body, len, out, &n, &e) != RHS_OK)
		die("handshake", e.msg[0] ? e.msg : "refused");
	rconn_send_raw(c, out, n);
	rhs_install(&h, c);
	rhs_wipe(&h);
	return c;
}

/* Next frame from the daemon, reading as needed; exits on failure. */
static void next_frame(struct rconn *c, int fd, struct rframe *f)
{
	struct errbuf e = {{0}};
	for (;;) {
		int k = rconn_next(c, f, &e);
		if (k < 0)
			die("reading", e.msg);
		if (k == 1)
			return;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 60000) <= 0)
			die("reading", "nothing from the daemon for 60 s");
		ssize_t n = rconn_read(c);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			die("reading", "connection closed");
	}
}

/* VmRSS or VmHWM of pid, in kB; -1 when unknown. */
static long proc_kb(long pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *fp = fopen(path, "re");
	long v = -1;
	size_t fl = strlen(field);
	while (fp && fgets(line, sizeof line, fp))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':')
			v = strtol(line + fl + 1, NULL, 10);
	if (fp)
		fclose(fp);
	return v;
}

static void send_signal(struct rconn *c, uint8_t sig)
{
	rconn_send_msg(c, RP_SIGNAL, 0, &sig, 1, false);
}

static int run_frames(const uint8_t *key, unsigned long nframes)
{
	int fd = dial();
	if (fd < 0)
		die("connect", strerror(errno));
	struct rconn *c = handshake(fd, key);
	static const char *const argv[] = {"sh", "-c", "echo $PPID; exec cat >/dev/null"};
	uint8_t *p = rconn_payload_buf(c);
	size_t off = 4;
	p[0] = 0, p[1] = 3, p[2] = 0, p[3] = 0;
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(argv[i]);
		p[off] = (uint8_t)(n >> 8), p[off + 1] = (uint8_t)n;
		memcpy(p + off + 2, argv[i], n);
		off += 2 + n;
	}
	rconn_send(c, RP_EXEC, 0, off, false);
	if (rconn_flush_wait(c, 0) < 0)
		die("sending", strerror(errno));
	struct rframe f;
	long pid = 0;
	do
		next_frame(c, fd, &f);
	while (f.type != RP_DATA || f.chan != 1);
	for (size_t i = 0; i < f.len && f.payload[i] >= '0' && f.payload[i] <= '9'; i++)
		pid = pid * 10 + (f.payload[i] - '0');
	long before = proc_kb(pid, "VmRSS");
	send_signal(c, 19);
	uint64_t credit = RP_WINDOW, granted = 0;
	uint8_t one = 'x';
	for (unsigned long i = 0; i < nframes; i++) {
		while (!credit) { /* the window is used up: wait for a grant */
			next_frame(c, fd, &f);
			if (f.type == RP_WINDOW_T && f.chan == 0)
				credit += rp_get32(f.payload), granted += rp_get32(f.payload);
		}
		rconn_send_msg(c, RP_DATA, 0, &one, 1, false);
		credit--;
		if (rconn_pending(c) >= (1u << 20) && rconn_flush_wait(c, 0) < 0)
			die("sending", strerror(errno));
	}
	send_signal(c, 18);
	rconn_send_msg(c, RP_EOF, 0, NULL, 0, false);
	if (rconn_flush_wait(c, 0) < 0)
		die("sending", strerror(errno));
	do {
		next_frame(c, fd, &f);
		if (f.type == RP_WINDOW_T && f.chan == 0)
			granted += rp_get32(f.payload);
	} while (f.type != RP_EXIT && f.type != RP_ERROR);
	long peak = proc_kb(pid, "VmHWM");
	printf("session %ld rss_before_kb %ld peak_kb %ld granted %llu\n", pid, before, peak,
	       (unsigned long long)granted);
	rconn_free(c);
	close(fd);
	return f.type == RP_EXIT && before > 0 && peak > 0 ? 0 : 1;
}

static int run_idle(unsigned n)
{
	int *fds = xcalloc(n, sizeof *fds);
	unsigned long opened = 0, closed = 0;
	for (unsigned i = 0; i < n; i++) {
		if ((fds[i] = dial()) < 0)
			die("connect", strerror(errno));
		opened++;
	}
	printf("holding %u\n", n);
	fflush(stdout);
	struct pollfd *p = xcalloc(n + 1, sizeof *p);
	for (;;) {
		for (unsigned i = 0; i < n; i++)
			p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		p[n] = (struct pollfd){.fd = 0, .events = POLLIN};
		if (poll(p, n + 1, 1000) < 0 && errno != EINTR)
			die("poll", strerror(errno));
		if (p[n].revents) {
			char b[64];
			if (read(0, b, sizeof b) <= 0)
				break;
		}
		for (unsigned i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			/* Closed (or refused) by the daemon: open another. */
			close(fds[i]);
			closed++;
			fds[i] = dial();
			opened += fds[i] >= 0;
			if (fds[i] < 0)
				fds[i] = -1;
		}
		usleep(10000); /* a steady attacker, not a busy loop */
	}
	printf("opened %lu closed-by-daemon %lu\n", opened, closed);
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	free(p);
	return 0;
}

/* Send a client hello on a new connection and read the answer: 1 when it
 * is the server's hello, 0 when a refusal or close. fd is kept open. */
static int stall_one(const uint8_t *key, int *fdp)
{
	int fd = dial();
	if (fd < 0)
		die("connect", strerror(errno));
	*fdp = fd;
	struct rconn *c = rconn_new(fd, fd);
	struct rhs h;
	struct errbuf e = {{0}};
	uint8_t out[RHS_MAX];
	rhs_init(&h, 'C', RP_MODE_NOISE, key, 0);
	rconn_send_raw(c, out, rhs_client_hello(&h, out));
	uint64_t dl = now_ns() + 10000000000u;
	const uint8_t *body;
	size_t len;
	int ok = rconn_flush_wait(c, dl) == 0 && rconn_wait_raw(c, RHS_MAX, dl, &body, &len, &e) == 1 &&
		 len == RHS_ANSWER_NOISE;
	rhs_wipe(&h);
	rconn_free(c);
	return ok;
}

static int run_stall(const uint8_t *key, unsigned n)
{
	int *fds = xcalloc(n, sizeof *fds);
	unsigned stalled = 0;
	for (unsigned i = 0; i < n; i++)
		stalled += (unsigned)stall_one(key, &fds[i]);
	printf("stalled %u refused %u\n", stalled, n - stalled);
	fflush(stdout);
	char b[64];
	while (read(0, b, sizeof b) > 0) { }
	for (unsigned i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage", "daemon_flood frames|idle|stall -p PORT [-k KEY] [-s SRC] [-n N]");
	const char *mode = argv[1], *keyfile = NULL;
	unsigned long n = 0;
	int c;
	optind = 2;
	while ((c = getopt(argc, argv, "p:k:s:n:")) != -1) {
		switch (c) {
		case 'p': port = (uint16_t)atoi(optarg); break;
		case 'k': keyfile = optarg; break;
		case 's': srcaddr = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (sodium_init() < 0)
		die("libsodium", "cannot initialise");
	if (strcmp(mode, "idle") == 0)
		return run_idle(n ? (unsigned)n : 200);
	uint8_t key[RP_KEY_BYTES], pub[RP_KEY_BYTES];
	struct errbuf e = {{0}};
	if (!keyfile || key_load_private(keyfile, key, pub, &e) < 0)
		die("key", keyfile ? e.msg : "-k KEYFILE is needed");
	if (strcmp(mode, "frames") == 0)
		return run_frames(key, n ? n : 2097152);
	if (strcmp(mode, "stall") == 0)
		return run_stall(key, n ? (unsigned)n : 10);
	die("usage", "mode is frames, idle or stall");
}
