/* util.h — small helpers shared by every layer: memory, strings, messages,
 * sizes and file descriptors.
 *
 * Conventions: fallible functions return 0 / -1 with errno set, or a
 * pointer / NULL. x* allocators never fail (they abort with a message).
 */
#ifndef IPCSH_UTIL_H
#define IPCSH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WUR __attribute__((warn_unused_result))
#define PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The name messages start with ("ipcsh", "ipcshd"). */
extern const char *progname;
/* When set and it returns non-NULL, messages read "ipcsh: WHERE: ..."
 * (a script's file and line, as its syntax errors have). */
extern const char *(*msg_where)(void);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);

/* A growable NUL-terminated byte string. Zero-initialise to use. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) PRINTF(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append s quoted so that a POSIX shell reads it back as one word. */
void sb_add_shquoted(struct strbuf *sb, const char *s);
/* Append s as a JSON string literal (with quotes). */
void sb_add_json(struct strbuf *sb, const char *s);
/* Give up ownership of the buffer (never NULL). */
char *sb_detach(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* Messages, one grammar: "ipcsh: CONTEXT: cannot VERB OBJECT: REASON".
 * msg_err prints "PROG: TEXT\n" to stderr; msg_errno appends ": strerror(errno)". */
void msg_err(const char *fmt, ...) PRINTF(1, 2);
/* Set by a thread that is not the shell's (a relay thread, outthread.c):
 * its messages are appended to out instead, for the shell's thread to
 * print, with where in place of msg_where() (which reads shell state, the
 * shell thread's): what it said when the thread started. */
struct msg_capture {
	struct strbuf out;
	char *where;
};
extern _Thread_local struct msg_capture *msg_capture;
void msg_errno(const char *fmt, ...) PRINTF(1, 2);
void msg_warn(const char *fmt, ...) PRINTF(1, 2);

/* A message being built by a lower layer for its caller to print. */
struct errbuf {
	char msg[512];
};
void errbuf_set(struct errbuf *e, const char *fmt, ...) PRINTF(2, 3);

/* Parse a size: digits with an optional K, M or G suffix (powers of 1024).
 * Returns 0 and *out, or -1 (EINVAL bad syntax, ERANGE overflow). */
int parse_size(const char *s, uint64_t *out) WUR;
/* Format a size with a suffix when exact ("1M", "4096"). */
void format_size(uint64_t v, char *buf, size_t len);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);
/* Write out stdout's buffer, if it holds anything (before fds move). */
void flush_stdout(void);

/* Write all of buf, retrying on EINTR and short writes. */
ssize_t write_all(int fd, const void *buf, size_t len) WUR;
/* Read until len bytes or EOF, retrying on EINTR. */
ssize_t read_full(int fd, void *buf, size_t len) WUR;

/* Set or clear close-on-exec / O_NONBLOCK. */
int fd_set_cloexec(int fd, bool on) WUR;
int fd_set_nonblock(int fd, bool on) WUR;
/* Move fd to a number >= 10, close-on-exec; returns the new fd or -1. */
int fd_move_high(int fd) WUR;
/* In a forked child that will not exec: close every close-on-exec fd except
 * those in keep[] (ipcsh's own fds are all close-on-exec; inherited ones are
 * left alone). */
void fd_close_cloexec_except(const int *keep, size_t nkeep);
/* In ipcsh right before a fork whose child will call the above: note the
 * highest open fd, so the child finds its fds without listing /proc (the
 * child ignores a snapshot its own parent did not take). _drop in the parent
 * after the fork. */
void fd_snapshot(void);
void fd_snapshot_drop(void);

/* Is s a valid shell variable name (of length n, or NUL-terminated if n is (size_t)-1)? */
bool is_name(const char *s, size_t n);
/* Length of the shell name that s starts with (0: none). */
size_t name_prefix(const char *s);
/* v in decimal into buf (at least 21 bytes); returns buf. snprintf's
 * cost matters in shell loops ($((i+1)), $?). */
char *fmt_long(char *buf, long v);

#endif
