/* util.c — memory, strings, messages, sizes, fds. */
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *progname = "ipcsh";
const char *(*msg_where)(void);
_Thread_local struct msg_capture *msg_capture;

static void oom(void)
{
	static const char m[] = "out of memory\n";
	if (write(2, m, sizeof m - 1) < 0) { /* nothing more to do */ }
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sb_detach(&sb);
}

static void sb_grow(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 32;
	while (cap < sb->len + more + 1)
		cap *= 2;
	sb->buf = xrealloc(sb->buf, cap);
	sb->cap = cap;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_add_shquoted(struct strbuf *sb, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_./=:,+@%^", *p))
			plain = false;
	if (plain) {
		sb_adds(sb, s);
		return;
	}
	sb_addc(sb, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			sb_adds(sb, "'\\''");
		else
			sb_addc(sb, *p);
	}
	sb_addc(sb, '\'');
}

void sb_add_json(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sb_adds(sb, "\\\""); break;
		case '\\': sb_adds(sb, "\\\\"); break;
		case '\n': sb_adds(sb, "\\n"); break;
		case '\t': sb_adds(sb, "\\t"); break;
		case '\r': sb_adds(sb, "\\r"); break;
		default:
			if (*p < 0x20)
				sb_addf(sb, "\\u%04x", *p);
			else
				sb_addc(sb, (char)*p);
		}
	}
	sb_addc(sb, '"');
}

char *sb_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

static void vmsg(const char *fmt, va_list ap, int err)
{
	struct strbuf sb = {0};
	sb_addf(&sb, "%s: ", progname);
	const char *where = msg_capture ? msg_capture->where : msg_where ? msg_where() : NULL;
	if (where)
		sb_addf(&sb, "%s: ", where);
	sb_vaddf(&sb, fmt, ap);
	if (err)
		sb_addf(&sb, ": %s", strerror(err));
	sb_addc(&sb, '\n');
	if (msg_capture)
		sb_add(&msg_capture->out, sb.buf, sb.len);
	/* One write, so messages from concurrent processes do not interleave. */
	else if (write_all(2, sb.buf, sb.len) < 0) { /* stderr is gone */ }
	sb_free(&sb);
}

void msg_err(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	errno = e;
}

void msg_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap, e);
	va_end(ap);
	errno = e;
}

void msg_warn(const char *fmt, ...)
{
	int e = errno;
	struct strbuf sb = {0};
	va_list ap;
	va_start(ap, fmt);
	sb_adds(&sb, "warning: ");
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	msg_err("%s", sb.buf);
	sb_free(&sb);
	errno = e;
}

void errbuf_set(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

int parse_size(const char *s, uint64_t *out)
{
	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	uint64_t v = 0;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');
		if (v > (UINT64_MAX - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	unsigned shift = 0;
	switch (*s) {
	case '\0': break;
	case 'k': case 'K': shift = 10; s++; break;
	case 'm': case 'M': shift = 20; s++; break;
	case 'g': case 'G': shift = 30; s++; break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (*s != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (shift && v > (UINT64_MAX >> shift)) {
		errno = ERANGE;
		return -1;
	}
	*out = v << shift;
	return 0;
}

void format_size(uint64_t v, char *buf, size_t len)
{
	if (v && v % (1u << 30) == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(v >> 30));
	else if (v && v % (1u << 20) == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(v >> 20));
	else if (v && v % 1024 == 0)
		snprintf(buf, len, "%lluK", (unsigned long long)(v >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void flush_stdout(void)
{
	/* fflush takes the stream's lock even with nothing to write: a shell
	 * loop calls this twice per built-in command. */
	if (__fpending(stdout))
		fflush(stdout);
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	return (ssize_t)len;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int fd_set_cloexec(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFD);
	if (fl < 0)
		return -1;
	int to = on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC;
	return to == fl ? 0 : fcntl(fd, F_SETFD, to);
}

int fd_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	int to = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return to == fl ? 0 : fcntl(fd, F_SETFL, to);
}

int fd_move_high(int fd)
{
	if (fd >= 10)
		return fd_set_cloexec(fd, true) < 0 ? -1 : fd;
	int n = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	if (n < 0)
		return -1;
	close(fd);
	return n;
}

/* The highest fd open in ipcsh just before a fork (fd_snapshot), for the
 * child's fd_close_cloexec_except. Listing /proc/self/fd in the child cost
 * about as much as the fork itself (measured: 125 us a child on this kind of
 * machine, against 160 us for fork, exit and wait): a new process makes the
 * kernel build a /proc entry for each of its fds. ipcsh lists its own
 * directory instead, kept open, whose entries stay built, and the child asks
 * poll() which numbers up to that one (and a margin for what the child opened
 * since) are open: one system call. */
static struct {
	pid_t pid;  /* who took it (and whose directory fd lists) */
	int fd;     /* /proc/self/fd of pid, close-on-exec and >= 10; -1 before */
	int max;    /* the highest fd open then */
	bool valid; /* taken for the fork that follows */
} snap = {0, -1, -1, false};

void fd_snapshot(void)
{
	pid_t me = getpid();
	snap.valid = false;
	if (snap.pid != me) {
		/* Inherited: it lists the parent's fds. It is close-on-exec, so a
		 * child's pass (or exec) closes it; its number is not ours to
		 * close here, it may be reused since. Only a number is dropped
		 * (no DIR: its memory would be lost in every forked child). */
		snap.pid = me;
		snap.fd = -1;
	}
	if (snap.fd < 0) {
		int d = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d < 0 || (snap.fd = fd_move_high(d)) < 0) {
			if (d >= 0)
				close(d);
			return;
		}
	} else if (lseek(snap.fd, 0, SEEK_SET) < 0) {
		return;
	}
	/* getdents64 into a buffer of our own: a few hundred fds a call */
	static _Alignas(struct dirent64) char buf[8192];
	int max = -1;
	ssize_t n;
	while ((n = getdents64(snap.fd, buf, sizeof buf)) > 0)
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);
			if (isdigit((unsigned char)de->d_name[0]) && atoi(de->d_name) > max)
				max = atoi(de->d_name);
			off += de->d_reclen;
		}
	snap.max = max;
	snap.valid = n == 0 && max >= 0;
}

void fd_snapshot_drop(void)
{
	snap.valid = false;
}

static bool fd_kept(int fd, const int *keep, size_t nkeep)
{
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

static void fd_close_if_cloexec(int fd, const int *keep, size_t nkeep)
{
	int fl = fcntl(fd, F_GETFD);
	if (fl >= 0 && (fl & FD_CLOEXEC) && !fd_kept(fd, keep, nkeep))
		close(fd);
}

/* With the parent's snapshot: poll() every number up to its highest fd and
 * a margin (the fds this child opened since, redirections' temporaries, come
 * at the lowest free numbers). false: no snapshot, or poll refused. */
static bool fd_close_by_poll(const int *keep, size_t nkeep)
{
	bool mine = snap.valid && snap.pid == getppid();
	snap.valid = false;
	if (!mine)
		return false;
	size_t n = (size_t)snap.max + 1 + 64;
	struct pollfd *pf = malloc(n * sizeof *pf);
	if (!pf)
		return false;
	for (size_t i = 0; i < n; i++)
		pf[i] = (struct pollfd){(int)i, 0, 0};
	if (poll(pf, n, 0) < 0) {
		free(pf);
		return false;
	}
	for (size_t i = 3; i < n; i++)
		if (!(pf[i].revents & POLLNVAL))
			fd_close_if_cloexec((int)i, keep, nkeep);
	free(pf);
	return true;
}

void fd_close_cloexec_except(const int *keep, size_t nkeep)
{
	if (fd_close_by_poll(keep, nkeep))
		return;
	/* opendir, not open + fdopendir: two fcntl calls fewer in every
	 * forked child (fdopendir checks the mode and sets close-on-exec). */
	DIR *d = opendir("/proc/self/fd");
	int dfd = d ? dirfd(d) : -1;
	if (!d) {
		for (int fd = 3; fd < 4096; fd++)
			fd_close_if_cloexec(fd, keep, nkeep);
		return;
	}
	/* Collect first: closing while reading the directory is unspecified.
	 * All of them: a relay forked while ipcsh holds the edges of a long
	 * pipeline (over 1024 fds) must not keep any of them open. */
	int *fds = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		int fd = atoi(de->d_name);
		if (fd < 3 || fd == dfd)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			fds = xrealloc(fds, cap * sizeof *fds);
		}
		fds[n++] = fd;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		fd_close_if_cloexec(fds[i], keep, nkeep);
	free(fds);
}

size_t name_prefix(const char *s)
{
	size_t n = 0;
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

bool is_name(const char *s, size_t n)
{
	if (n == (size_t)-1)
		n = strlen(s);
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

char *fmt_long(char *buf, long v)
{
	char tmp[24];
	size_t n = 0;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	size_t o = 0;
	if (v < 0)
		buf[o++] = '-';
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return buf;
}
