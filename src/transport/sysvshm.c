/* sysvshm.c — the `sysvshm` transport: the textbook pairing, a System V
 * shared-memory segment (shmget/shmat) holding a bounded buffer of slots
 * (slots.c) synchronised by a System V semaphore set (semget/semop), with a
 * relay on each side.
 *
 * Lifetime (sysv.c): both objects are created under keys the guardian
 * learns first. The segment is attached by ipcsh and removed with IPC_RMID
 * at once — the kernel keeps it while attached, and the relays inherit the
 * attachment through fork() — so nothing can outlive its last user. A
 * semaphore set dies at IPC_RMID at once, so it is removed when the
 * pipeline ends (finish()), or by the guardian if ipcsh dies first.
 *
 * Limits checked in prepare: the segment against /proc/sys/kernel/shmmax
 * and shmall (pages), shmget's ENOSPC against shmmni, semget's ENOSPC
 * against the sets in /proc/sys/kernel/sem (SEMMNI, SEMMNS).
 */
#include "ring.h"
#include "slots.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

struct sysvshm_priv {
	struct slots s; /* first: the relays see e->priv as slots */
	key_t semkey;
};

static int sem_take(struct slots *s, int which, int ms)
{
	struct sembuf op = {(unsigned short)which, -1, 0};
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	return semtimedop(s->semid, &op, 1, &ts);
}

static int sem_post1(struct slots *s, int which)
{
	struct sembuf op = {(unsigned short)which, 1, 0};
	return semop(s->semid, &op, 1);
}

/* After spawning: ipcsh detaches; the relays hold the segment. */
static void sysvshm_unmap(struct slots *s)
{
	shmdt(s->h);
}

static const struct slots_sync sysv_sync = {sem_take, sem_post1, sysvshm_unmap};

/* Check the segment against shmmax/shmall before asking. */
static int sysvshm_check(const char *label, size_t len, struct errbuf *err)
{
	uint64_t shmmax = sysv_limit("shmmax", 0, UINT64_MAX);
	uint64_t shmall = sysv_limit("shmall", 0, UINT64_MAX);
	long page = sysconf(_SC_PAGESIZE);
	uint64_t pages = (len + (uint64_t)page - 1) / (uint64_t)page;
	if (len > shmmax) {
		errbuf_set(err, "%s: a segment of %zu bytes exceeds /proc/sys/kernel/shmmax (%llu): use a smaller size or another transport",
			   label, len, (unsigned long long)shmmax);
		return -1;
	}
	if (pages > shmall) {
		errbuf_set(err, "%s: a segment of %llu pages exceeds /proc/sys/kernel/shmall (%llu pages): use a smaller size or another transport",
			   label, (unsigned long long)pages, (unsigned long long)shmall);
		return -1;
	}
	return 0;
}

/* Create, attach and at once remove the segment. The mapping or NULL. */
static void *sysvshm_segment(const char *label, size_t len, struct errbuf *err)
{
	key_t key;
	int id = sysv_create(SYSV_SHM, len, &key);
	if (id < 0) {
		int e = errno;
		if (e == ENOSPC)
			errbuf_set(err, "%s: cannot create a System V shared memory segment: /proc/sys/kernel/shmmni (%llu segments) or shmall (%llu pages) is used up: use another transport",
				   label, (unsigned long long)sysv_limit("shmmni", 0, 4096),
				   (unsigned long long)sysv_limit("shmall", 0, 0));
		else
			errbuf_set(err, "%s: cannot create a System V shared memory segment of %zu bytes: %s",
				   label, len, strerror(e));
		return NULL;
	}
	fault_point("sysvshm-shmget");
	void *m = shmat(id, NULL, 0);
	int e = errno;
	sysv_remove(SYSV_SHM, id, key); /* lives on while attached */
	if (m == (void *)-1) {
		errbuf_set(err, "%s: cannot attach the shared memory segment: %s", label, strerror(e));
		return NULL;
	}
	return m;
}

static int sysvshm_semaphores(struct sysvshm_priv *p, const char *label, struct errbuf *err)
{
	p->s.semid = sysv_create(SYSV_SEM, 2, &p->semkey);
	if (p->s.semid < 0) {
		if (errno == ENOSPC)
			errbuf_set(err, "%s: cannot create a System V semaphore set: the limits in /proc/sys/kernel/sem are reached (SEMMNI %llu sets, SEMMNS %llu semaphores): use another transport",
				   label, (unsigned long long)sysv_limit("sem", 3, 0),
				   (unsigned long long)sysv_limit("sem", 1, 0));
		else
			errbuf_set(err, "%s: cannot create a System V semaphore set: %s", label,
				   strerror(errno));
		return -1;
	}
	fault_point("sysvshm-semget");
	unsigned short vals[2] = {[SLOT_EMPTY] = (unsigned short)p->s.h->nslots, [SLOT_FULL] = 0};
	if (semctl(p->s.semid, 0, SETALL, vals) < 0) {
		errbuf_set(err, "%s: cannot set the semaphores: %s", label, strerror(errno));
		sysv_remove(SYSV_SEM, p->s.semid, p->semkey);
		return -1;
	}
	return 0;
}

static int sysvshm_prepare(struct edge *e, struct errbuf *err)
{
	uint64_t size;
	if (edge_ring_size(e, &size, err) < 0)
		return -1;
	char label[64];
	edge_label(e, label, sizeof label);
	size_t len = slots_map_len(size);
	if (sysvshm_check(label, len, err) < 0)
		return -1;
	void *m = sysvshm_segment(label, len, err);
	if (!m)
		return -1;
	struct sysvshm_priv *p = xcalloc(1, sizeof *p);
	if (slots_init(&p->s, &sysv_sync, m, len, size) < 0) {
		errbuf_set(err, "%s: cannot create liveness socket pair: %s", label, strerror(errno));
		shmdt(m);
		free(p);
		return -1;
	}
	if (sysvshm_semaphores(p, label, err) < 0) {
		close(p->s.live[0]);
		close(p->s.live[1]);
		shmdt(m);
		free(p);
		return -1;
	}
	slots_publish(e, &p->s, size);
	return 0;
}

/* The pipeline has ended (or failed to start): the semaphore set goes. */
static void sysvshm_finish(struct edge *e)
{
	struct sysvshm_priv *p = e->priv;
	if (!p)
		return;
	sysv_remove(SYSV_SEM, p->s.semid, p->semkey);
	free(p);
	e->priv = NULL;
}

const struct transport_ops transport_sysvshm = {
	.name = "sysvshm",
	.prepare = sysvshm_prepare,
	.relay_in = slots_relay_in,
	.relay_out = slots_relay_out,
	.relay_fds = slots_relay_fds,
	.write_in = slots_write_in,
	.close_in = slots_close_in,
	.release = slots_release,
	.finish = sysvshm_finish,
};
