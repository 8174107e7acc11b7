/* fuzz_msgchan.c — the message relays of msg, dgram, seqpacket and mq
 * (src/transport/msgchan.c), the real code, in one process: relay_in reads
 * the stream from a pipe and sends messages into a list in memory (a fake
 * queue), relay_out receives them and writes the stream into a second
 * pipe. Checks: every message is non-empty and at most msgsize; in `lines`
 * mode each message ends with a newline unless it is a full msgsize piece
 * of a longer line or the stream's last bytes; one end marker, last; the
 * stream arrives exactly. Input: bytes 0-1 pick msgsize (1..4096), byte 2
 * raw/lines, the rest is the stream (at most 256 KiB). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport/msgchan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake {
	struct msgchan c;     /* first: the relays see e->priv as a msgchan */
	char **msg;
	size_t *len, n, cap, next;
	bool bad;
};

static int fake_send(struct msgchan *c, const char *m, size_t n)
{
	struct fake *f = (struct fake *)c;
	if (n > c->msgsize)
		f->bad = true;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->msg = realloc(f->msg, f->cap * sizeof *f->msg);
		f->len = realloc(f->len, f->cap * sizeof *f->len);
		if (!f->msg || !f->len)
			abort();
	}
	f->msg[f->n] = malloc(n ? n : 1);
	if (!f->msg[f->n])
		abort();
	memcpy(f->msg[f->n], m, n);
	f->len[f->n++] = n;
	return 0;
}

static ssize_t fake_recv(struct msgchan *c, char *buf, size_t cap, bool wait)
{
	struct fake *f = (struct fake *)c;
	(void)wait;
	if (f->next == f->n) {
		errno = EAGAIN;
		return -1;
	}
	size_t n = f->len[f->next];
	if (n > cap)
		abort();
	memcpy(buf, f->msg[f->next++], n);
	return (ssize_t)n;
}

static const struct msgchan_ops fake_ops = {fake_send, fake_recv};

/* The messages obey SPEC §4's packing rules. */
static bool messages_ok(const struct fake *f, bool lines)
{
	if (f->bad || f->n == 0 || f->len[f->n - 1] != 0)
		return false;
	for (size_t i = 0; i + 1 < f->n; i++) {
		size_t n = f->len[i];
		if (n == 0)
			return false;
		bool last_data = i + 2 == f->n;
		if (lines && f->msg[i][n - 1] != '\n' && n != f->c.msgsize && !last_data)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	size_t msgsize = 1 + (((size_t)data[0] << 8 | data[1]) % 4096);
	bool lines = data[2] & 1;
	data += 3;
	size -= 3;
	if (size > 256 * 1024)
		size = 256 * 1024;
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		abort();
	fcntl(in[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(out[1], F_SETPIPE_SZ, 1 << 20);
	if (write(in[1], data, size) != (ssize_t)size)
		abort();
	close(in[1]);
	struct fake f;
	memset(&f, 0, sizeof f);
	if (msgchan_init(&f.c, &fake_ops, msgsize, lines) < 0)
		abort();
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	f.c.fd[0] = f.c.fd[1] = devnull; /* "pollable": never waited on here */
	struct edge e;
	memset(&e, 0, sizeof e);
	e.index = 1;
	e.priv = &f;
	if (msgchan_relay_in(&e, in[0]) != 0 || !messages_ok(&f, lines))
		abort();
	if (msgchan_relay_out(&e, out[1]) != 0)
		abort();
	close(out[1]);
	char *got = malloc(size + 1);
	size_t n = 0;
	ssize_t r;
	while (got && (r = read(out[0], got + n, size + 1 - n)) > 0)
		n += (size_t)r;
	if (!got || n != size || memcmp(got, data, size) != 0)
		abort();
	free(got);
	for (size_t i = 0; i < f.n; i++)
		free(f.msg[i]);
	free(f.msg);
	free(f.len);
	msgchan_release(&f.c);
	close(devnull);
	close(in[0]);
	close(out[0]);
	return 0;
}
