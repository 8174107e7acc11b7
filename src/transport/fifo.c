/* fifo.c — the `fifo` transport: a named FIFO.
 *
 * Without path=: a private 0700 directory "$TMPDIR/ipcsh-<random>" holding
 * one FIFO. Both names are told to the guardian before they exist; ipcsh
 * opens the read end (O_NONBLOCK, so the open never waits for a writer),
 * then the write end, checks with fstat that both are that FIFO and ours,
 * and unlinks FIFO and directory at once, before any stage starts. From
 * then on it is an anonymous pipe with nothing left to clean.
 *
 * With path=P: the FIFO is created at P (or an existing FIFO of ours at P is
 * used and left in place) and stays visible while the pipeline runs, so
 * other programs may open it to write into the stream. EOF: the consumer
 * sees EOF once no writer holds the FIFO: ipcsh closes its write end in
 * release(), right after spawning, so the producer's exit ends the stream
 * unless another program still has it open for writing (then the stream
 * ends when that program closes it, as with any FIFO). A P that ipcsh
 * created is removed when its consumer exits (consumer_exit()) or at the
 * latest when the pipeline ends (finish()), or by the guardian if ipcsh
 * dies first.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fifo_priv {
	uint64_t got;   /* pipe-budget share */
	char *path;     /* P when ipcsh created it (kept until finish) */
};

/* Open both ends of the FIFO at path and check they are one FIFO of ours. */
static int fifo_open_ends(const char *path, int *rfd, int *wfd, const char *label, struct errbuf *err)
{
	struct stat a, b;
	*rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (*rfd < 0) {
		errbuf_set(err, "%s: cannot open FIFO %s: %s", label, path, strerror(errno));
		return -1;
	}
	*wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (*wfd < 0) {
		errbuf_set(err, "%s: cannot open FIFO %s for writing: %s", label, path, strerror(errno));
		goto fail;
	}
	if (fstat(*rfd, &a) < 0 || fstat(*wfd, &b) < 0) {
		errbuf_set(err, "%s: cannot stat FIFO %s: %s", label, path, strerror(errno));
		goto fail;
	}
	if (!S_ISFIFO(a.st_mode) || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
		errbuf_set(err, "%s: %s is not a FIFO (or was replaced while opening)", label, path);
		goto fail;
	}
	if (a.st_uid != geteuid()) {
		errbuf_set(err, "%s: FIFO %s belongs to another user (uid %u)", label, path,
			   (unsigned)a.st_uid);
		goto fail;
	}
	if (fd_set_nonblock(*rfd, false) < 0 || fd_set_nonblock(*wfd, false) < 0) {
		errbuf_set(err, "%s: cannot set FIFO %s blocking: %s", label, path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (*wfd >= 0)
		close(*wfd);
	close(*rfd);
	*rfd = *wfd = -1;
	return -1;
}

/* The private directory and FIFO, unlinked again before returning. */
static int fifo_make_private(int *rfd, int *wfd, const char *label, struct errbuf *err)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	char hex[33];
	char *dir = NULL;
	for (int tries = 0; tries < 8; tries++) {
		random_hex(hex, 8);
		free(dir);
		dir = xasprintf("%s/ipcsh-%s", tmp, hex);
		if (guard_add(GUARD_DIR, dir) < 0) {
			errbuf_set(err, "%s: cannot start the guardian process: %s", label, strerror(errno));
			free(dir);
			return -1;
		}
		if (mkdir(dir, 0700) == 0)
			break;
		int e = errno;
		guard_forget(GUARD_DIR, dir);
		if (e != EEXIST || tries == 7) {
			errbuf_set(err, "%s: cannot create directory %s: %s (set TMPDIR to a writable directory)",
				   label, dir, strerror(e));
			free(dir);
			return -1;
		}
	}
	fault_point("fifo-mkdir");
	char *path = xasprintf("%s/fifo", dir);
	int rc = -1;
	if (guard_add(GUARD_FILE, path) < 0) {
		errbuf_set(err, "%s: cannot tell the guardian process: %s", label, strerror(errno));
	} else if (mkfifo(path, 0600) < 0) {
		errbuf_set(err, "%s: cannot create FIFO %s: %s", label, path, strerror(errno));
		guard_forget(GUARD_FILE, path);
	} else {
		fault_point("fifo-mkfifo");
		rc = fifo_open_ends(path, rfd, wfd, label, err);
		unlink(path);
		guard_forget(GUARD_FILE, path);
	}
	rmdir(dir);
	guard_forget(GUARD_DIR, dir);
	free(path);
	free(dir);
	return rc;
}

/* fifo:path=P. *created tells whether ipcsh made the FIFO (and must remove it). */
static int fifo_make_at(const char *path, int *rfd, int *wfd, bool *created, const char *label,
			struct errbuf *err)
{
	struct stat st;
	*created = false;
	if (lstat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode)) {
			errbuf_set(err, "%s: %s exists and is not a FIFO: remove it or choose another path=",
				   label, path);
			return -1;
		}
		return fifo_open_ends(path, rfd, wfd, label, err);
	}
	if (errno != ENOENT) {
		errbuf_set(err, "%s: cannot use path %s: %s", label, path, strerror(errno));
		return -1;
	}
	if (guard_add(GUARD_FILE, path) < 0) {
		errbuf_set(err, "%s: cannot start the guardian process: %s", label, strerror(errno));
		return -1;
	}
	if (mkfifo(path, 0600) < 0) {
		int e = errno;
		guard_forget(GUARD_FILE, path);
		if (e == EEXIST) /* appeared meanwhile: judge it like any existing path */
			return fifo_make_at(path, rfd, wfd, created, label, err);
		errbuf_set(err, "%s: cannot create FIFO %s: %s", label, path, strerror(e));
		return -1;
	}
	fault_point("fifo-path");
	if (fifo_open_ends(path, rfd, wfd, label, err) < 0) {
		unlink(path);
		guard_forget(GUARD_FILE, path);
		return -1;
	}
	*created = true;
	return 0;
}

/* path= made absolute: the guardian runs in "/", and ipcsh may cd before
 * the pipeline ends. */
static char *fifo_abs_path(const char *path, const char *label, struct errbuf *err)
{
	if (path[0] == '/')
		return xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	if (!cwd) {
		errbuf_set(err, "%s: cannot resolve path %s: %s", label, path, strerror(errno));
		return NULL;
	}
	char *abs = xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
	free(cwd);
	return abs;
}

static int fifo_prepare(struct edge *e, struct errbuf *err)
{
	char label[64];
	int rfd = -1, wfd = -1;
	bool created = false;
	char *path = NULL;
	edge_label(e, label, sizeof label);
	bool named = (e->spec.set & EOPT_PATH) && e->spec.path;
	if (named && !(path = fifo_abs_path(e->spec.path, label, err)))
		return -1;
	if (named ? fifo_make_at(path, &rfd, &wfd, &created, label, err) < 0
		  : fifo_make_private(&rfd, &wfd, label, err) < 0) {
		free(path);
		return -1;
	}
	struct fifo_priv *p = xcalloc(1, sizeof *p);
	if (pipe_size_edge(e, wfd, &p->got, err) < 0) {
		close(rfd);
		close(wfd);
		if (created) {
			unlink(path);
			guard_forget(GUARD_FILE, path);
		}
		free(path);
		free(p);
		return -1;
	}
	if (created)
		p->path = path;
	else
		free(path);
	e->priv = p;
	e->rfd = rfd;
	e->wfd = wfd;
	char sz[32];
	format_size((uint64_t)fcntl(wfd, F_GETPIPE_SZ), sz, sizeof sz);
	if (named)
		snprintf(e->actual, sizeof e->actual, "path=%.100s,size=%s", e->spec.path, sz);
	else
		snprintf(e->actual, sizeof e->actual, "size=%s", sz);
	return 0;
}

/* Close ipcsh's copies (so the stream can end); a created path= FIFO stays
 * visible until finish(). */
static void fifo_release(struct edge *e)
{
	struct fifo_priv *p = e->priv;
	if (e->rfd >= 0)
		close(e->rfd);
	if (e->wfd >= 0)
		close(e->wfd);
	e->rfd = e->wfd = -1;
	if (!p)
		return;
	pipe_budget_release(p->got);
	p->got = 0;
	if (!p->path) {
		free(p);
		e->priv = NULL;
	}
}

/* Remove a path= FIFO that ipcsh created (once). */
static void fifo_unlink_path(struct fifo_priv *p)
{
	if (!p->path)
		return;
	struct stat st;
	/* Remove only what is still a FIFO: the user may have replaced it. */
	if (lstat(p->path, &st) == 0 && S_ISFIFO(st.st_mode))
		unlink(p->path);
	guard_forget(GUARD_FILE, p->path);
	free(p->path);
	p->path = NULL;
}

/* The consumer is gone: take the name away, so that no other program
 * blocks opening a FIFO nobody reads, nor opens it to read and keeps the
 * producer from getting SIGPIPE as it would with a pipe. */
static void fifo_consumer_exit(struct edge *e)
{
	if (e->priv)
		fifo_unlink_path(e->priv);
}

static void fifo_finish(struct edge *e)
{
	struct fifo_priv *p = e->priv;
	if (!p)
		return;
	fifo_unlink_path(p);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_fifo = {
	.name = "fifo",
	.prepare = fifo_prepare,
	.release = fifo_release,
	.finish = fifo_finish,
	.consumer_exit = fifo_consumer_exit,
};
