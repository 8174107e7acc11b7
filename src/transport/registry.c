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
	default: return NULL;
	}
}
