/* mqlines_check.h — a model of mq relay_in's use of mq_cut(), with the
 * invariants of SPEC §4 checked on every message. Shared by the unit test
 * and the fuzz target. */
#ifndef IPCSH_MQLINES_CHECK_H
#define IPCSH_MQLINES_CHECK_H

#include <stdint.h>
#include <string.h>

#include "transport/mqlines.h"

static uint64_t mqc_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Check one cut against the rules; NULL if fine. */
static const char *mqc_check_cut(const unsigned char *b, size_t held, size_t msgsize, bool lines,
				 enum mq_cut_mode mode, size_t n)
{
	if (n > held || n > msgsize)
		return "message longer than held bytes or msgsize";
	if (held >= msgsize && n == 0)
		return "nothing cut from a full message's worth";
	if (mode == MQ_CUT_EOF && held && !n)
		return "nothing cut at EOF";
	if (!lines) {
		if (n && n < msgsize && n != held)
			return "raw: short message with more bytes held";
		if (n && n < msgsize && mode == MQ_CUT_MORE)
			return "raw: short message while input keeps coming";
		return NULL;
	}
	if (!n)
		return NULL;
	const unsigned char *nl = memrchr(b, '\n', held < msgsize ? held : msgsize);
	size_t best = nl ? (size_t)(nl - b) + 1 : 0;
	if (held >= msgsize)
		return n == (best ? best : msgsize) ? NULL : "lines: full window not packed to its last newline";
	if (mode == MQ_CUT_MORE)
		return "lines: short message while input keeps coming";
	if (mode == MQ_CUT_IDLE)
		return n == best ? NULL : "lines: idle cut not at the last newline";
	return n == held ? NULL : "lines: EOF cut leaves bytes";
}

/* Feed data in pseudo-random chunks (buffer of 2*msgsize, as the relay),
 * cutting after each; check every cut and that the messages concatenate
 * to the input. *nmsgs gets the number of messages. NULL if all is well. */
static const char *mqc_run(const unsigned char *data, size_t len, size_t msgsize, bool lines,
			   uint64_t seed, size_t *nmsgs)
{
	size_t cap = 2 * msgsize, sent = 0, arrived = 0;
	uint64_t s = seed | 1;
	*nmsgs = 0;
	for (;;) {
		size_t held = arrived - sent;
		if (arrived < len && held < cap) {
			size_t chunk = 1 + (size_t)(mqc_next(&s) % (3 * msgsize));
			if (chunk > cap - held)
				chunk = cap - held;
			if (chunk > len - arrived)
				chunk = len - arrived;
			arrived += chunk;
			held += chunk;
		}
		enum mq_cut_mode mode = arrived == len ? MQ_CUT_EOF
			: (mqc_next(&s) & 1) ? MQ_CUT_IDLE : MQ_CUT_MORE;
		size_t n;
		while ((n = mq_cut((const char *)data + sent, held, msgsize, lines, mode)) > 0) {
			const char *why = mqc_check_cut(data + sent, held, msgsize, lines, mode, n);
			if (why)
				return why;
			sent += n;
			held -= n;
			++*nmsgs;
		}
		const char *why = mqc_check_cut(data + sent, held, msgsize, lines, mode, 0);
		if (why)
			return why;
		if (mode == MQ_CUT_EOF)
			return sent == len ? NULL : "bytes left at EOF";
	}
}

#endif
