/* sockbuf.c — the socket buffers of sock, dgram, seqpacket and tcp. */
#include "internal.h"

#include <sys/socket.h>

int sockbuf_set(int fd, int opt, uint64_t want, bool force)
{
	int v = want > (1u << 30) ? 1 << 30 : (int)want;
	int forced = opt == SO_SNDBUF ? SO_SNDBUFFORCE : SO_RCVBUFFORCE;
	if (force && setsockopt(fd, SOL_SOCKET, forced, &v, sizeof v) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, opt, &v, sizeof v);
}

int sockbuf_get(int fd, int opt)
{
	int v = -1;
	socklen_t l = sizeof v;
	if (getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0)
		return -1;
	return v;
}
