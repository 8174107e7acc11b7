/* ringproto.h — how a program linked with libipcsh gets the ring of a
 * `|[shm]` edge from the relay on its pipe (shared by shm.c and src/lib/).
 *
 * ipcsh binds, for each relay-side pipe of a shm edge, a listening Unix
 * socket in the abstract namespace named after the stage's end of that
 * pipe (its st_dev and st_ino): "\0ipcsh-ring/<dev>/<ino>". Abstract names
 * have no file and vanish with the last socket, so nothing can leak. The
 * library fstat()s fd 0 / fd 1: a FIFO whose name answers is an ipcsh
 * edge; anything else (ECONNREFUSED) is not, and costs one connect().
 *
 * Exchange (both ends check SO_PEERCRED: same user only):
 *   library -> relay  struct ringproto_req
 *   relay -> library  struct ringproto_rep, and with status 0 two fds
 *                     (SCM_RIGHTS): the ring's sealed memfd and the
 *                     relay's end of the edge's liveness socket pair.
 * The relay first moves every byte still in the pipe (relay_in: into the
 * ring; relay_out: it stops filling the pipe and closes its end, so the
 * library reads the rest of the pipe before the ring), then replies and
 * exits. `pos` is where the library starts (head or tail).
 */
#ifndef IPCSH_RINGPROTO_H
#define IPCSH_RINGPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#define RINGPROTO_MAGIC 0x52435049u /* "IPCR" */
#define RINGPROTO_VERSION 1u
#define RINGPROTO_SPIN 1u           /* rep.flags: the edge was written |[shm:spin] */
/* Bytes on the liveness socket besides the relays' 'G' (reader gone):
 * 'D' the sender handed its side to a program (which now holds its end). */
#define RINGPROTO_DIRECT 'D'

struct ringproto_req {
	uint32_t magic, version;
	uint32_t side; /* 0: I write (fd 1), 1: I read (fd 0) */
	uint32_t pad;
};

struct ringproto_rep {
	uint32_t magic, version;
	uint32_t status; /* 0, or an errno value: no hand-over, use the fd */
	uint32_t flags;
	uint64_t size;   /* ring data bytes */
	uint64_t pos;    /* the caller's counter */
};

/* The abstract address for a pipe end; returns the address length. */
static inline socklen_t ringproto_addr(struct sockaddr_un *a, const struct stat *st)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "ipcsh-ring/%llx/%llx",
			 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

#endif
