/* mmap.c — the `mmap` transport: a file mapped MAP_SHARED holding the
 * bounded buffer of slots.c, synchronised by two POSIX semaphores that live
 * in the mapping itself (sem_init with pshared), with a relay on each side.
 *
 * Without path=: a file "$TMPDIR/ipcsh-<random>.mmap", told to the
 * guardian before it exists, created O_EXCL 0600, sized, mapped and
 * unlinked at once, before any stage starts: from then on only the
 * mapping (inherited by the relays through fork) holds it.
 *
 * With path=P: the file is created at P (O_EXCL: a P that exists is
 * refused, whatever it is — it is not ours) and stays visible while the
 * pipeline runs, so another program may map it and watch the ring; it is
 * removed when the pipeline ends (finish()), or by the guardian if ipcsh
 * dies first (only while it still is a regular file).
 */
#include "ring.h"
#include "slots.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct mmap_priv {
	struct slots s; /* first: the relays see e->priv as slots */
	char *path;     /* path= that ipcsh created, until finish() */
};

static int psem_take(struct slots *s, int which, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ms == 0 ? sem_trywait(&s->h->sem[which]) : sem_timedwait(&s->h->sem[which], &ts);
}

static int psem_post(struct slots *s, int which)
{
	return sem_post(&s->h->sem[which]);
}

static void mmap_unmap(struct slots *s)
{
	munmap(s->h, s->map_len);
}

static const struct slots_sync posix_sync = {psem_take, psem_post, mmap_unmap};

/* An absolute name for the guardian (it runs in "/"). */
static char *abs_path(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	struct strbuf sb = {0};
	sb_addf(&sb, "%s/%s", cwd, path);
	free(cwd);
	return sb.buf;
}

/* Create the file (told to the guardian first) and size it. fd or -1. */
static int mmap_file(const char *path, size_t len, const char *label, struct errbuf *err)
{
	if (guard_add(GUARD_REGFILE, path) < 0) {
		errbuf_set(err, "%s: cannot start the guardian process: %s", label, strerror(errno));
		return -1;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		guard_forget(GUARD_REGFILE, path);
		if (e == EEXIST)
			errbuf_set(err, "%s: %s exists and is not ours: refusing to map it (give a path that does not exist)",
				   label, path);
		else
			errbuf_set(err, "%s: cannot create %s: %s", label, path, strerror(e));
		return -1;
	}
	fault_point("mmap-file");
	if (ftruncate(fd, (off_t)len) < 0) {
		errbuf_set(err, "%s: cannot size %s to %zu bytes: %s", label, path, len, strerror(errno));
		close(fd);
		unlink(path);
		guard_forget(GUARD_REGFILE, path);
		return -1;
	}
	return fd;
}

static char *mmap_default_path(void)
{
	const char *tmp = getenv("TMPDIR");
	char hex[33];
	random_hex(hex, 8);
	struct strbuf sb = {0};
	sb_addf(&sb, "%s/ipcsh-%s.mmap", tmp && *tmp ? tmp : "/tmp", hex);
	char *a = abs_path(sb.buf);
	sb_free(&sb);
	return a;
}

static int mmap_prepare(struct edge *e, struct errbuf *err)
{
	uint64_t size;
	if (edge_ring_size(e, &size, err) < 0)
		return -1;
	char label[64];
	edge_label(e, label, sizeof label);
	size_t len = slots_map_len(size);
	bool named = e->spec.set & EOPT_PATH;
	char *path = named ? abs_path(e->spec.path) : mmap_default_path();
	if (!path) {
		errbuf_set(err, "%s: cannot resolve the path: %s", label, strerror(errno));
		return -1;
	}
	int fd = mmap_file(path, len, label, err);
	if (fd < 0) {
		free(path);
		return -1;
	}
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int merr = errno;
	close(fd);
	if (!named || m == MAP_FAILED) {
		unlink(path);
		guard_forget(GUARD_REGFILE, path);
	}
	if (m == MAP_FAILED) {
		errbuf_set(err, "%s: cannot map %zu bytes of %s: %s", label, len, path, strerror(merr));
		free(path);
		return -1;
	}
	struct mmap_priv *p = xcalloc(1, sizeof *p);
	if (slots_init(&p->s, &posix_sync, m, len, size) < 0 ||
	    sem_init(&p->s.h->sem[SLOT_EMPTY], 1, p->s.h->nslots) < 0 ||
	    sem_init(&p->s.h->sem[SLOT_FULL], 1, 0) < 0) {
		errbuf_set(err, "%s: cannot set up the ring: %s", label, strerror(errno));
		munmap(m, len);
		if (named) {
			unlink(path);
			guard_forget(GUARD_REGFILE, path);
		}
		free(path);
		free(p);
		return -1;
	}
	p->path = named ? path : (free(path), NULL);
	slots_publish(e, &p->s, size);
	return 0;
}

static void mmap_finish(struct edge *e)
{
	struct mmap_priv *p = e->priv;
	if (!p)
		return;
	if (p->path) {
		struct stat st;
		if (lstat(p->path, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p->path);
		guard_forget(GUARD_REGFILE, p->path);
		free(p->path);
	}
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_mmap = {
	.name = "mmap",
	.prepare = mmap_prepare,
	.relay_in = slots_relay_in,
	.relay_out = slots_relay_out,
	.relay_fds = slots_relay_fds,
	.write_in = slots_write_in,
	.close_in = slots_close_in,
	.release = slots_release,
	.finish = mmap_finish,
};
