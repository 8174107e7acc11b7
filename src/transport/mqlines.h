/* mqlines.h — how the mq transport cuts a byte stream into messages.
 * Pure functions (no I/O), unit-tested and fuzzed. */
#ifndef IPCSH_MQLINES_H
#define IPCSH_MQLINES_H

#include <stdbool.h>
#include <stddef.h>

/* What the relay knows about the input beyond the bytes it holds. */
enum mq_cut_mode {
	MQ_CUT_MORE, /* more input may be readable right now: cut only full messages */
	MQ_CUT_IDLE, /* nothing more to read at the moment: cut what is ready */
	MQ_CUT_EOF,  /* the input ended: cut everything */
};

/* Length of the next message to send from buf[0..len), 0 for "none yet".
 * Raw mode (lines false): msgsize bytes when that many are held, else all
 * of it unless mode is MQ_CUT_MORE.
 * Lines mode (SPEC §4): a message holds one or more whole lines, packed up
 * to msgsize; only a line longer than msgsize spans consecutive messages
 * (then a message is exactly msgsize bytes of it); a last line without a
 * newline is sent as it is at EOF. A partial line waits for its newline
 * (or EOF, or msgsize bytes) even when the input is idle.
 * Never returns more than min(len, msgsize); returns > 0 whenever
 * len >= msgsize, or mode is MQ_CUT_EOF and len > 0. msgsize must be > 0. */
size_t mq_cut(const char *buf, size_t len, size_t msgsize, bool lines, enum mq_cut_mode mode);

#endif
