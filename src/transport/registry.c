/* registry.c — kind -> ops. The one table the executor consults. */
#include "transport.h"

const struct transport_ops *transport_ops_for(enum edge_kind k)
{
	switch (k) {
	case EDGE_PIPE: return &transport_pipe;
	case EDGE_FIFO: return &transport_fifo;
	case EDGE_SOCK: return &transport_sock;
	case EDGE_MQ: return &transport_mq;
	case EDGE_SHM: return &transport_shm;
	case EDGE_MSG: return &transport_msg;
	case EDGE_SYSVSHM: return &transport_sysvshm;
	case EDGE_MMAP: return &transport_mmap;
	case EDGE_DGRAM: return &transport_dgram;
	case EDGE_SEQPACKET: return &transport_seqpacket;
	case EDGE_TCP: return &transport_tcp;
	default: return NULL;
	}
}
