/* spec.h — an edge as written, `|[NAME:OPT,...]`: the transport kinds,
 * their options, and the pure parser and printer of edge specs.
 *
 * A leaf header: the parser (src/parse/) checks edges with it at parse time
 * and the transports (src/transport/) run them, without either layer
 * depending on the other's headers. Asks the system nothing. */
#ifndef IPCSH_SPEC_H
#define IPCSH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

enum edge_kind {
	EDGE_PIPE, EDGE_FIFO, EDGE_SOCK, EDGE_MQ, EDGE_SHM,
	EDGE_MSG,       /* System V message queue */
	EDGE_SYSVSHM,   /* System V shared memory + semaphore set */
	EDGE_MMAP,      /* file-backed MAP_SHARED mapping */
	EDGE_DGRAM,     /* socketpair(AF_UNIX, SOCK_DGRAM) */
	EDGE_SEQPACKET, /* socketpair(AF_UNIX, SOCK_SEQPACKET) */
	EDGE_TCP,       /* a loopback TCP connection */
	EDGE__COUNT
};

/* Bits of edge_spec.set: which options the user wrote. */
enum {
	EOPT_SIZE = 1u << 0,    /* size=    pipe, fifo, shm, sysvshm, mmap */
	EOPT_BUF = 1u << 1,     /* buf=     sock, dgram, seqpacket, tcp */
	EOPT_MSGSIZE = 1u << 2, /* msgsize= mq, msg, dgram, seqpacket */
	EOPT_MAXMSG = 1u << 3,  /* the queue's capacity: maxmsg= (mq), maxbytes= (msg) */
	EOPT_LINES = 1u << 4,   /* lines    mq, msg, dgram, seqpacket */
	EOPT_PATH = 1u << 5,    /* path=    fifo, mmap */
	EOPT_NODELAY = 1u << 6, /* nodelay  tcp */
	EOPT_SPIN = 1u << 15,   /* spin     shm (a high bit: transports being added take the next ones) */
};

/* An edge as written: `|` (dflt) or `|[NAME:OPT,...]`. Plain data; `path`
 * is owned by whoever allocated the spec (arena or heap). */
struct edge_spec {
	enum edge_kind kind;
	bool dflt;       /* a bare '|': the -t transport applies */
	unsigned set;    /* EOPT_* bits */
	uint64_t size, buf, msgsize;
	uint64_t maxmsg;  /* mq's maxmsg=, msg's maxbytes= (EOPT_MAXMSG) */
	char *path;
};

/* One option a transport accepts, for parse-time checks and completion. */
enum opt_type { OPT_SIZE, OPT_COUNT, OPT_FLAG, OPT_PATH };
struct opt_desc {
	const char *name;
	enum opt_type type;
	unsigned bit;     /* EOPT_* */
	const char *help;
};

/* Name of a transport kind ("pipe"...), and its options (NULL-terminated by name). */
const char *transport_name(enum edge_kind k);
const struct opt_desc *transport_options(enum edge_kind k);
/* What a transport is, in one line (for `help transports`). */
const char *transport_summary(enum edge_kind k);
/* Every transport name, comma-separated ("pipe, fifo, ..."), for messages. */
const char *transport_names(void);
/* Kind for a name, or -1. */
int transport_lookup(const char *name, size_t len);

/* Parse "NAME[:OPT[=V],...]" (the text inside |[...] or given to -t) into
 * *out. Path strings are malloc'd (free with edge_spec_clear). On error
 * returns -1 with a message in err ("unknown transport 'x'", "option
 * 'size' of 'shm' needs a value", ...). Never prints. */
int edge_spec_parse(const char *text, size_t len, struct edge_spec *out, struct errbuf *err) WUR;
void edge_spec_clear(struct edge_spec *s);
/* Append the spec as the user would write it: "shm:size=4M". */
void edge_spec_format(const struct edge_spec *s, struct strbuf *sb);

#endif
