/* proto.c — frame checks and the EXEC codec (docs/PROTOCOL.md §3). Every
 * decoder checks a length before it reads what the length covers. */
#include "proto.h"

#include <stdlib.h>
#include <string.h>

uint32_t rp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void rp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Which channels a type may use, per direction: bit n = channel n. */
static unsigned chan_mask(uint8_t type, bool from_server)
{
	switch (type) {
	case RP_EXEC: case RP_SIGNAL:
		return from_server ? 0 : 1u;
	case RP_EXIT: case RP_ERROR:
		return from_server ? 1u : 0;
	case RP_DATA: case RP_EOF:
		return from_server ? 6u : 1u;
	case RP_CLOSE: case RP_WINDOW_T:
		return from_server ? 1u : 6u;
	default:
		return 0;
	}
}

static bool len_ok(const struct rframe *f)
{
	switch (f->type) {
	case RP_EXEC: return f->len >= 4;
	case RP_DATA: return f->len >= 1;
	case RP_EOF: case RP_CLOSE: return f->len == 0;
	case RP_WINDOW_T: return f->len == 4 && rp_get32(f->payload) <= RP_WINDOW_LIMIT;
	case RP_SIGNAL: return f->len == 1;
	case RP_EXIT:
		return f->len == 2 && f->payload[0] <= 1 &&
		       (f->payload[0] == 0 || (f->payload[1] >= 1 && f->payload[1] <= 64));
	case RP_ERROR:
		return f->len >= 1 && f->len <= 1 + RP_ERROR_TEXT_MAX && f->payload[0] != 0;
	default: return false;
	}
}

int rframe_check(const struct rframe *f, bool from_server, struct errbuf *e)
{
	unsigned mask = chan_mask(f->type, from_server);
	if (!mask) {
		errbuf_set(e, "unexpected frame type %u", f->type);
		return -1;
	}
	if (f->chan > 7 || !(mask & (1u << f->chan))) {
		errbuf_set(e, "frame type %u on channel %u", f->type, f->chan);
		return -1;
	}
	if (f->len > RP_PAYLOAD_MAX || !len_ok(f)) {
		errbuf_set(e, "malformed frame of type %u (%zu bytes)", f->type, f->len);
		return -1;
	}
	return 0;
}

bool rp_assign_ok(const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	if (!eq || memchr(s, '\0', n))
		return false;
	size_t nl = (size_t)(eq - s);
	if (!is_name(s, nl))
		return false;
	return !(nl >= 3 && memcmp(s, "LD_", 3) == 0);
}

static size_t vec_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

int rexec_encode(uint8_t *buf, size_t cap, char *const *argv, char *const *env, size_t *len,
		 struct errbuf *e)
{
	size_t argc = vec_len(argv), envc = vec_len(env);
	if (argc < 1 || argc > RP_ARGC_MAX || envc > RP_ENVC_MAX || !argv[0][0]) {
		errbuf_set(e, "too many arguments or assignments (at most %u and %u)", RP_ARGC_MAX,
			   RP_ENVC_MAX);
		return -1;
	}
	if (cap < 4) {
		errbuf_set(e, "argument list too long");
		return -1;
	}
	put16(buf, argc);
	put16(buf + 2, envc);
	size_t off = 4;
	for (size_t i = 0; i < argc + envc; i++) {
		const char *s = i < argc ? argv[i] : env[i - argc];
		size_t n = strlen(s);
		if (i >= argc && !rp_assign_ok(s, n)) {
			errbuf_set(e, "refusing to send assignment '%.40s'", s);
			return -1;
		}
		if (n > 65535 || cap - off < 2 + n) {
			errbuf_set(e, "argument list too long (at most %u bytes)", RP_PAYLOAD_MAX);
			return -1;
		}
		put16(buf + off, n);
		memcpy(buf + off + 2, s, n);
		off += 2 + n;
	}
	*len = off;
	return 0;
}

/* Decode count strings at p[*off..len) into out[]. */
static int decode_strings(const uint8_t *p, size_t len, size_t *off, char **out, size_t count,
			  struct errbuf *e)
{
	for (size_t i = 0; i < count; i++) {
		if (len - *off < 2) {
			errbuf_set(e, "EXEC truncated");
			return -1;
		}
		size_t n = get16(p + *off);
		*off += 2;
		if (len - *off < n || memchr(p + *off, '\0', n)) {
			errbuf_set(e, "EXEC string truncated or with a NUL byte");
			return -1;
		}
		out[i] = xstrndup((const char *)p + *off, n);
		*off += n;
	}
	return 0;
}

int rexec_decode(const uint8_t *p, size_t len, struct rexec *x, struct errbuf *e)
{
	memset(x, 0, sizeof *x);
	if (len < 4 || len > RP_PAYLOAD_MAX) {
		errbuf_set(e, "EXEC of bad size");
		return -1;
	}
	size_t argc = get16(p), envc = get16(p + 2), off = 4;
	if (argc < 1 || argc > RP_ARGC_MAX || envc > RP_ENVC_MAX ||
	    (argc + envc) * 2 > len - 4) {
		errbuf_set(e, "EXEC with bad counts (argc %zu, envc %zu)", argc, envc);
		return -1;
	}
	x->argv = xcalloc(argc + 1, sizeof *x->argv);
	x->env = xcalloc(envc + 1, sizeof *x->env);
	x->argc = argc;
	x->envc = envc;
	if (decode_strings(p, len, &off, x->argv, argc, e) < 0 ||
	    decode_strings(p, len, &off, x->env, envc, e) < 0)
		goto fail;
	if (off != len || !x->argv[0][0]) {
		errbuf_set(e, "EXEC with trailing bytes or an empty command");
		goto fail;
	}
	for (size_t i = 0; i < envc; i++) {
		if (!rp_assign_ok(x->env[i], strlen(x->env[i]))) {
			errbuf_set(e, "refused assignment '%.40s'", x->env[i]);
			goto fail;
		}
	}
	return 0;
fail:
	rexec_free(x);
	return -1;
}

void rexec_free(struct rexec *x)
{
	for (size_t i = 0; x->argv && i < x->argc; i++)
		free(x->argv[i]);
	for (size_t i = 0; x->env && i < x->envc; i++)
		free(x->env[i]);
	free(x->argv);
	free(x->env);
	memset(x, 0, sizeof *x);
}
