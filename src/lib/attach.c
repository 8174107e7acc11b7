/* attach.c — finding the ring behind fd 0 / fd 1 (the exchange is
 * described in src/transport/ringproto.h). */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../transport/ringproto.h"

/* Receive the reply and its two fds. 0/-1. */
static int recv_rep(int s, struct ringproto_rep *rep, int fds[2])
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {rep, sizeof *rep};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			   .msg_controllen = sizeof u.buf};
	ssize_t n;
	do
		n = recvmsg(s, &m, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	fds[0] = fds[1] = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (i < 2 && fds[i] < 0)
				fds[i] = fd;
			else
				close(fd);
		}
	}
	if (n != (ssize_t)sizeof *rep || (m.msg_flags & MSG_CTRUNC) || rep->magic != RINGPROTO_MAGIC ||
	    rep->version != RINGPROTO_VERSION || rep->status != 0 || fds[0] < 0 || fds[1] < 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		return -1;
	}
	return 0;
}

/* Ask the relay on `fd`'s pipe for the ring: NULL when there is none. */
static ipcsh_ring *attach(int fd, int side)
{
	struct stat st, st2;
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return NULL;
	/* `prog 2>&1 |[shm] ...`: stderr shares the pipe, and only the pipe
	 * keeps its lines in order with the stream (and a relay to read them). */
	if (side == 0 && fstat(2, &st2) == 0 && st2.st_dev == st.st_dev && st2.st_ino == st.st_ino)
		return NULL;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return NULL;
	struct sockaddr_un a;
	socklen_t alen = ringproto_addr(&a, &st);
	struct ucred cr;
	socklen_t crlen = sizeof cr;
	struct ringproto_req req = {RINGPROTO_MAGIC, RINGPROTO_VERSION, (uint32_t)side, 0};
	struct ringproto_rep rep = {0};
	int fds[2];
	ipcsh_ring *r = NULL;
	/* Only a listener of our own user: anyone can bind an abstract name. */
	if (connect(s, (struct sockaddr *)&a, alen) == 0 &&
	    getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == 0 && cr.uid == geteuid() &&
	    send(s, &req, sizeof req, MSG_NOSIGNAL) == (ssize_t)sizeof req &&
	    recv_rep(s, &rep, fds) == 0) {
		r = ipcsh_ring__adopt(fds[0], fds[1], side, rep.size, rep.pos, rep.flags);
		if (r && side == 1 && lib_take_leftovers(r, fd) < 0) {
			ipcsh_ring_close(r);
			r = NULL;
		}
	}
	close(s);
	return r;
}

static ipcsh_ring *attach_once(int fd, int side, int *done, ipcsh_ring **cache)
{
	if (!*done) {
		int e = errno;
		*done = 1;
		*cache = attach(fd, side);
		errno = e;
	}
	return *cache;
}

static int in_done, out_done;
static ipcsh_ring *in_ring, *out_ring;

API ipcsh_ring *ipcsh_ring_stdin(void)
{
	return attach_once(0, 1, &in_done, &in_ring);
}

API ipcsh_ring *ipcsh_ring_stdout(void)
{
	return attach_once(1, 0, &out_done, &out_ring);
}

void lib_forget(ipcsh_ring *r)
{
	if (r == in_ring)
		in_ring = NULL;
	if (r == out_ring)
		out_ring = NULL;
}
