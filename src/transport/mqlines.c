/* mqlines.c — message cutting for the mq transport (see mqlines.h). */
#include "mqlines.h"

#include <string.h>

/* Offset just past the last '\n' in buf[0..n), or 0 if there is none. */
static size_t last_line_end(const char *buf, size_t n)
{
	const char *nl = memrchr(buf, '\n', n);
	return nl ? (size_t)(nl - buf) + 1 : 0;
}

size_t mq_cut(const char *buf, size_t len, size_t msgsize, bool lines, enum mq_cut_mode mode)
{
	if (len == 0 || msgsize == 0)
		return 0;
	if (!lines) {
		if (len >= msgsize)
			return msgsize;
		return mode == MQ_CUT_MORE ? 0 : len;
	}
	if (len >= msgsize) {
		/* A full message's worth: whole lines if any end inside it,
		 * otherwise a piece of a line longer than a message. */
		size_t cut = last_line_end(buf, msgsize);
		return cut ? cut : msgsize;
	}
	switch (mode) {
	case MQ_CUT_EOF: return len;
	case MQ_CUT_IDLE: return last_line_end(buf, len);
	default: return 0;
	}
}
