/* test_mqlines.c — the mq message cutter (mqlines.c): SPEC §4's `lines`
 * rules on fixed cases, then random streams through the relay model. */
#include "tap.h"
#include "mqlines_check.h"

#include <stdlib.h>

static size_t cut(const char *s, size_t msgsize, bool lines, enum mq_cut_mode m)
{
	return mq_cut(s, strlen(s), msgsize, lines, m);
}

int main(void)
{
	/* lines */
	TAP_OK(cut("a\nb\nc", 8, true, MQ_CUT_MORE) == 0, "lines: short, more coming: wait");
	TAP_OK(cut("a\nb\nc", 8, true, MQ_CUT_IDLE) == 4, "lines: idle: whole lines only");
	TAP_OK(cut("abc", 8, true, MQ_CUT_IDLE) == 0, "lines: idle partial line waits");
	TAP_OK(cut("a\nb\nc", 8, true, MQ_CUT_EOF) == 5, "lines: EOF: last line without newline as it is");
	TAP_OK(cut("a\nbb\nccc\nd", 8, true, MQ_CUT_MORE) == 5, "lines: packs whole lines up to msgsize");
	TAP_OK(cut("aaaaaaaaaaaa\n", 8, true, MQ_CUT_MORE) == 8, "lines: a line longer than msgsize spans messages");
	TAP_OK(cut("aaaaaaa\nb", 8, true, MQ_CUT_MORE) == 8, "lines: a line of exactly msgsize");
	TAP_OK(cut("a\naaaaaaaaaaaa\n", 8, true, MQ_CUT_MORE) == 2,
	       "lines: a short line is not merged with a long line's first piece");
	TAP_OK(cut("", 8, true, MQ_CUT_EOF) == 0, "empty: nothing to send");
	TAP_OK(cut("\n\n\n", 1, true, MQ_CUT_IDLE) == 1, "msgsize 1: one newline per message");
	/* raw */
	TAP_OK(cut("abcdefghij", 4, false, MQ_CUT_MORE) == 4, "raw: full messages");
	TAP_OK(cut("abc", 4, false, MQ_CUT_MORE) == 0, "raw: short, more coming: wait");
	TAP_OK(cut("abc", 4, false, MQ_CUT_IDLE) == 3, "raw: idle: send what is there");
	TAP_OK(cut("a\nb", 4, false, MQ_CUT_EOF) == 3, "raw: EOF");

	/* Random streams: newline density and msgsize vary. */
	uint64_t s = 12345;
	int bad = 0;
	size_t total = 0;
	for (int round = 0; round < 3000 && !bad; round++) {
		size_t len = (size_t)(mqc_next(&s) % 5000);
		size_t msgsize = 1 + (size_t)(mqc_next(&s) % 300);
		unsigned density = 1 + (unsigned)(mqc_next(&s) % 200);
		unsigned char *d = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			d[i] = mqc_next(&s) % density == 0 ? '\n' : 'x';
		for (int lines = 0; lines < 2; lines++) {
			size_t n;
			const char *why = mqc_run(d, len, msgsize, lines, mqc_next(&s), &n);
			if (why) {
				printf("# round %d len %zu msgsize %zu lines %d: %s\n", round, len, msgsize, lines, why);
				bad++;
			}
			total += n;
		}
		free(d);
	}
	TAP_OK(!bad, "3000 random streams, raw and lines: every rule holds (%zu messages)", total);
	return tap_done();
}
