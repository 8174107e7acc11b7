/* spec.c — transport names, their options, and the edge-spec syntax
 * "NAME[:KEY[=VALUE],...]". Pure: no system calls, usable by the parser,
 * completion and -t alike. */
#include "transport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt_desc pipe_opts[] = {
	{"size", OPT_SIZE, EOPT_SIZE, "pipe buffer size (F_SETPIPE_SZ)"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc fifo_opts[] = {
	{"path", OPT_PATH, EOPT_PATH, "create the FIFO at this path, visible while the pipeline runs"},
	{"size", OPT_SIZE, EOPT_SIZE, "pipe buffer size (F_SETPIPE_SZ)"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc sock_opts[] = {
	{"buf", OPT_SIZE, EOPT_BUF, "socket buffer size (SO_SNDBUF/SO_RCVBUF)"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc mq_opts[] = {
	{"msgsize", OPT_SIZE, EOPT_MSGSIZE, "bytes per message (mq_msgsize)"},
	{"maxmsg", OPT_COUNT, EOPT_MAXMSG, "messages in the queue (mq_maxmsg)"},
	{"lines", OPT_FLAG, EOPT_LINES, "each message holds whole lines"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc shm_opts[] = {
	{"size", OPT_SIZE, EOPT_SIZE, "ring bytes, rounded up to a power of two (default 1M)"},
	{"spin", OPT_FLAG, EOPT_SPIN, "ring-aware stages busy-wait briefly before they sleep"},
	{NULL, 0, 0, NULL},
};

static const struct opt_desc msg_opts[] = {
	{"msgsize", OPT_SIZE, EOPT_MSGSIZE, "bytes per message (at most /proc/sys/kernel/msgmax)"},
	{"maxbytes", OPT_SIZE, EOPT_MAXMSG, "bytes the queue holds (msg_qbytes; above msgmnb needs root)"},
	{"lines", OPT_FLAG, EOPT_LINES, "each message holds whole lines"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc sysvshm_opts[] = {
	{"size", OPT_SIZE, EOPT_SIZE, "ring bytes in the segment (default 1M)"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc mmap_opts[] = {
	{"path", OPT_PATH, EOPT_PATH, "map a new file at this path, visible while the pipeline runs"},
	{"size", OPT_SIZE, EOPT_SIZE, "ring bytes in the file (default 1M)"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc dgram_opts[] = {
	{"msgsize", OPT_SIZE, EOPT_MSGSIZE, "bytes per datagram (default 64K)"},
	{"buf", OPT_SIZE, EOPT_BUF, "send buffer size (SO_SNDBUF)"},
	{"lines", OPT_FLAG, EOPT_LINES, "each datagram holds whole lines"},
	{NULL, 0, 0, NULL},
};
static const struct opt_desc tcp_opts[] = {
	{"buf", OPT_SIZE, EOPT_BUF, "socket buffer size (SO_SNDBUF/SO_RCVBUF)"},
	{"nodelay", OPT_FLAG, EOPT_NODELAY, "TCP_NODELAY: no Nagle delay for small writes"},
	{NULL, 0, 0, NULL},
};

static const struct {
	const char *name;
	const struct opt_desc *opts;
} kinds[EDGE__COUNT] = {
	[EDGE_PIPE] = {"pipe", pipe_opts},
	[EDGE_FIFO] = {"fifo", fifo_opts},
	[EDGE_SOCK] = {"sock", sock_opts},
	[EDGE_MQ] = {"mq", mq_opts},
	[EDGE_SHM] = {"shm", shm_opts},
	[EDGE_MSG] = {"msg", msg_opts},
	[EDGE_SYSVSHM] = {"sysvshm", sysvshm_opts},
	[EDGE_MMAP] = {"mmap", mmap_opts},
	[EDGE_DGRAM] = {"dgram", dgram_opts},
	[EDGE_SEQPACKET] = {"seqpacket", dgram_opts},
	[EDGE_TCP] = {"tcp", tcp_opts},
};

/* One line each, for `help transports` (man ipcsh, TRANSPORTS, says more). */
static const char *const summaries[EDGE__COUNT] = {
	[EDGE_PIPE] = "an anonymous pipe, enlarged within the per-user pipe budget (the default)",
	[EDGE_FIFO] = "a named FIFO: private, or at path= where other programs may write into it",
	[EDGE_SOCK] = "a socketpair(2), AF_UNIX stream",
	[EDGE_MQ] = "a POSIX message queue, through relays; lines: whole lines per message",
	[EDGE_SHM] = "a lock-free shared-memory ring, through relays or taken over by libipcsh",
	[EDGE_MSG] = "a System V message queue, through relays",
	[EDGE_SYSVSHM] = "a System V shared-memory ring of slots with a semaphore set, through relays",
	[EDGE_MMAP] = "a MAP_SHARED file holding a ring of slots with POSIX semaphores, through relays",
	[EDGE_DGRAM] = "an AF_UNIX datagram socketpair, through relays",
	[EDGE_SEQPACKET] = "an AF_UNIX seqpacket socketpair, through relays",
	[EDGE_TCP] = "a TCP connection over loopback, no relays",
};

const char *transport_summary(enum edge_kind k)
{
	return (unsigned)k < EDGE__COUNT ? summaries[k] : "";
}

const char *transport_names(void)
{
	static char names[160];
	if (!names[0])
		for (int k = 0; k < EDGE__COUNT; k++) {
			size_t l = strlen(names);
			snprintf(names + l, sizeof names - l, "%s%s", k ? ", " : "", kinds[k].name);
		}
	return names;
}

const char *transport_name(enum edge_kind k)
{
	return (unsigned)k < EDGE__COUNT ? kinds[k].name : "?";
}

const struct opt_desc *transport_options(enum edge_kind k)
{
	return (unsigned)k < EDGE__COUNT ? kinds[k].opts : pipe_opts + 1;
}

int transport_lookup(const char *name, size_t len)
{
	for (int k = 0; k < EDGE__COUNT; k++)
		if (strlen(kinds[k].name) == len && memcmp(kinds[k].name, name, len) == 0)
			return k;
	return -1;
}

static int set_value(struct edge_spec *out, const struct opt_desc *d, const char *kname,
		     const char *val, size_t vlen, bool has_val, struct errbuf *err)
{
	char tmp[64];
	uint64_t v;
	if (d->type == OPT_FLAG) {
		if (has_val) {
			errbuf_set(err, "option '%s' of '%s' takes no value", d->name, kname);
			return -1;
		}
		out->set |= d->bit;
		return 0;
	}
	if (!has_val || vlen == 0) {
		errbuf_set(err, "option '%s' of '%s' needs a value", d->name, kname);
		return -1;
	}
	if (d->type == OPT_PATH) {
		free(out->path);
		out->path = strndup(val, vlen);
		if (!out->path)
			abort();
		out->set |= d->bit;
		return 0;
	}
	if (vlen >= sizeof tmp || (memcpy(tmp, val, vlen), tmp[vlen] = '\0', parse_size(tmp, &v) < 0)) {
		errbuf_set(err, "bad value '%.*s' for option '%s' of '%s'%s", (int)(vlen > 40 ? 40 : vlen),
			   val, d->name, kname,
			   errno == ERANGE ? " (too large)" : d->type == OPT_COUNT ? " (a count)"
				: " (a size: digits with K, M or G)");
		return -1;
	}
	if (d->type == OPT_COUNT && (tmp[vlen - 1] < '0' || tmp[vlen - 1] > '9')) {
		errbuf_set(err, "bad value '%s' for option '%s' of '%s' (a count)", tmp, d->name, kname);
		return -1;
	}
	if (v == 0) {
		errbuf_set(err, "option '%s' of '%s' must be greater than 0", d->name, kname);
		return -1;
	}
	switch (d->bit) {
	case EOPT_SIZE: out->size = v; break;
	case EOPT_BUF: out->buf = v; break;
	case EOPT_MSGSIZE: out->msgsize = v; break;
	case EOPT_MAXMSG: out->maxmsg = v; break;
	default: break;
	}
	out->set |= d->bit;
	return 0;
}

/* "a, b, c": a transport's option names, for a message (as the
 * transports are listed for an unknown one). */
static const char *opt_names(const struct opt_desc *d)
{
	static char buf[128];
	size_t n = 0;
	buf[0] = '\0';
	for (; d->name && n < sizeof buf; d++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? ", " : "", d->name);
	return buf;
}

int edge_spec_parse(const char *text, size_t len, struct edge_spec *out, struct errbuf *err)
{
	memset(out, 0, sizeof *out);
	const char *end = text + len;
	const char *colon = memchr(text, ':', len);
	size_t nlen = colon ? (size_t)(colon - text) : len;
	int k = transport_lookup(text, nlen);
	if (k < 0) {
		if (nlen == 0)
			errbuf_set(err, "missing transport name (%s)", transport_names());
		else
			errbuf_set(err, "unknown transport '%.*s' (%s)", (int)(nlen > 40 ? 40 : nlen), text,
				   transport_names());
		return -1;
	}
	out->kind = (enum edge_kind)k;
	if (!colon)
		return 0;
	const char *p = colon + 1;
	if (p == end) {
		errbuf_set(err, "missing option after '%s:'", kinds[k].name);
		goto fail;
	}
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *oend = comma ? comma : end;
		const char *eq = memchr(p, '=', (size_t)(oend - p));
		const char *kend = eq ? eq : oend;
		const struct opt_desc *d = kinds[k].opts;
		while (d->name && !(strlen(d->name) == (size_t)(kend - p) &&
				    memcmp(d->name, p, (size_t)(kend - p)) == 0))
			d++;
		if (!d->name) {
			if (kend == p)
				errbuf_set(err, "empty option in '%s' edge", kinds[k].name);
			else
				errbuf_set(err, "unknown option '%.*s' for transport '%s' (%s)",
					   (int)(kend - p > 40 ? 40 : kend - p), p, kinds[k].name,
					   opt_names(kinds[k].opts));
			goto fail;
		}
		if (out->set & d->bit) {
			errbuf_set(err, "option '%s' given twice", d->name);
			goto fail;
		}
		if (set_value(out, d, kinds[k].name, eq ? eq + 1 : NULL, eq ? (size_t)(oend - eq - 1) : 0,
			      eq != NULL, err) < 0)
			goto fail;
		if (comma && comma + 1 == end) {
			errbuf_set(err, "trailing ',' in '%s' edge", kinds[k].name);
			goto fail;
		}
		p = comma ? comma + 1 : end;
	}
	return 0;
fail:
	edge_spec_clear(out);
	return -1;
}

void edge_spec_clear(struct edge_spec *s)
{
	free(s->path);
	s->path = NULL;
}

void edge_spec_format(const struct edge_spec *s, struct strbuf *sb)
{
	sb_adds(sb, transport_name(s->kind));
	char c = ':';
	for (const struct opt_desc *d = transport_options(s->kind); d->name; d++) {
		if (!(s->set & d->bit))
			continue;
		sb_addc(sb, c);
		c = ',';
		sb_adds(sb, d->name);
		if (d->type == OPT_FLAG)
			continue;
		char v[32];
		switch (d->bit) {
		case EOPT_LINES:
		case EOPT_NODELAY: continue;
		case EOPT_PATH: sb_addc(sb, '='); sb_adds(sb, s->path); continue;
		case EOPT_SIZE: format_size(s->size, v, sizeof v); break;
		case EOPT_BUF: format_size(s->buf, v, sizeof v); break;
		case EOPT_MSGSIZE: format_size(s->msgsize, v, sizeof v); break;
		default:
			if (d->type == OPT_SIZE)
				format_size(s->maxmsg, v, sizeof v);
			else
				snprintf(v, sizeof v, "%llu", (unsigned long long)s->maxmsg);
			break;
		}
		sb_addc(sb, '=');
		sb_adds(sb, v);
	}
}
