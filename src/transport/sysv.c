/* sysv.c — what the System V transports (msg, sysvshm) share: creating an
 * object so that it can never outlive ipcsh, removing it, reading the
 * kernel's limits, and the relay tick.
 *
 * System V objects have no name in a directory and survive their creator by
 * design (ipcs lists them). An IPC_PRIVATE id is known only once the object
 * exists, so ipcsh could die between msgget() and telling anyone: instead
 * each object is created under a fresh random key, and the key is told to
 * the guardian *before* msgget/semget/shmget(key, IPC_CREAT|IPC_EXCL, 0600).
 * When ipcsh dies the guardian looks the key up and removes what it finds.
 * A shared-memory segment is removed (IPC_RMID) as soon as it is attached —
 * the kernel keeps it until the last detach, and the key is gone at once —
 * while a message queue or a semaphore set dies at IPC_RMID: those are
 * removed when the pipeline ends (the transport's finish()), by the
 * guardian otherwise. docs/LIFETIME.md has the whole picture.
 */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/time.h>
#include <sys/random.h>

static const int guard_kinds[] = {[SYSV_MSG] = GUARD_SYSV_MSG, [SYSV_SEM] = GUARD_SYSV_SEM,
				  [SYSV_SHM] = GUARD_SYSV_SHM};

static void key_name(key_t key, char *buf, size_t len)
{
	snprintf(buf, len, "%ld", (long)key);
}

static key_t random_key(void)
{
	uint32_t r = 0;
	while (r == 0 || (key_t)r == IPC_PRIVATE) {
		if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
			r = (uint32_t)(now_ns() ^ ((uint64_t)getpid() << 16));
		r &= 0x7fffffffu;
	}
	return (key_t)r;
}

static int sysv_get(enum sysv_kind kind, key_t key, uint64_t arg, int flags)
{
	switch (kind) {
	case SYSV_MSG: return msgget(key, flags);
	case SYSV_SEM: return semget(key, (int)arg, flags);
	default: return shmget(key, (size_t)arg, flags);
	}
}

int sysv_create(enum sysv_kind kind, uint64_t arg, key_t *key)
{
	for (int tries = 0;; tries++) {
		char name[24];
		*key = random_key();
		key_name(*key, name, sizeof name);
		if (guard_add(guard_kinds[kind], name) < 0)
			return -1;
		int id = sysv_get(kind, *key, arg, IPC_CREAT | IPC_EXCL | 0600);
		if (id >= 0)
			return id;
		int e = errno;
		guard_forget(guard_kinds[kind], name);
		if (e == EEXIST && tries < 8)
			continue;
		errno = e;
		return -1;
	}
}

static void rmid(enum sysv_kind kind, int id)
{
	int rc;
	switch (kind) {
	case SYSV_MSG: rc = msgctl(id, IPC_RMID, NULL); break;
	case SYSV_SEM: rc = semctl(id, 0, IPC_RMID); break;
	default: rc = shmctl(id, IPC_RMID, NULL); break;
	}
	if (rc < 0) {
		/* Already removed (by the guardian of a parent, or a user). */
	}
}

void sysv_forget(enum sysv_kind kind, key_t key)
{
	char name[24];
	key_name(key, name, sizeof name);
	guard_forget(guard_kinds[kind], name);
}

void sysv_rmid(enum sysv_kind kind, int id, key_t key)
{
	/* The id could have been removed and reused meanwhile; the key says
	 * whether it still is ours (a removed segment's key reads as 0). */
	int now = sysv_get(kind, key, 0, 0);
	if (now == id)
		rmid(kind, id);
}

void sysv_remove(enum sysv_kind kind, int id, key_t key)
{
	sysv_rmid(kind, id, key);
	sysv_forget(kind, key);
}

void sysv_remove_key(int guard_kind, const char *name)
{
	char *end;
	long k = strtol(name, &end, 10);
	if (*end || k == IPC_PRIVATE)
		return;
	enum sysv_kind kind = guard_kind == GUARD_SYSV_MSG ? SYSV_MSG
		: guard_kind == GUARD_SYSV_SEM ? SYSV_SEM : SYSV_SHM;
	int id = sysv_get(kind, (key_t)k, 0, 0);
	if (id >= 0)
		rmid(kind, id);
}

uint64_t sysv_limit(const char *name, int field, uint64_t dflt)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
	FILE *f = fopen(path, "re");
	if (!f)
		return dflt;
	unsigned long long v = dflt;
	for (int i = 0; i <= field; i++)
		if (fscanf(f, "%llu", &v) != 1) {
			v = dflt;
			break;
		}
	fclose(f);
	return v;
}

static void on_tick(int sig)
{
	(void)sig;
}

void relay_tick(int ms)
{
	struct sigaction sa = {.sa_handler = on_tick}; /* no SA_RESTART: EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{ms / 1000, (ms % 1000) * 1000}, {ms / 1000, (ms % 1000) * 1000}};
	setitimer(ITIMER_REAL, &it, NULL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}
