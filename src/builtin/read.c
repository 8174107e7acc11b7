/* read.c — read [-r] [-p PROMPT] [NAME...]: one line, split with IFS. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../exec/shell.h"
#include "../job/sig.h"
#include "../util/util.h"
#include "internal.h"

/* Mark line[at] as escaped (quoted by a backslash): esc holds one byte per
 * byte of the line, made only when the first escape comes. */
static void mark_escaped(struct strbuf *esc, size_t at)
{
	while (esc->len < at)
		sb_addc(esc, 0);
	sb_addc(esc, 1);
}

/* One line of fd 0. When fd 0 is a regular file it is read a block at a
 * time and the offset put back just after the newline (as bash does): one
 * read and one lseek a line. Anything else (a pipe, a terminal) is read a
 * byte at a time, so that nothing after the newline is taken from a shared
 * input. Without -r, a backslash quotes the next character (esc marks it)
 * and backslash-newline continues the line. Returns 1 when the line ended
 * with a newline, 0 at EOF. */
static int read_line(bool raw, struct strbuf *line, struct strbuf *esc)
{
	struct stat st;
	bool block = fstat(0, &st) == 0 && S_ISREG(st.st_mode);
	char buf[4096];
	bool quote = false; /* the last byte was an unquoted backslash */
	for (;;) {
		ssize_t n = read(0, buf, block ? sizeof buf : 1);
		if (n < 0 && errno == EINTR && !sig_pending_any())
			continue;
		if (n <= 0)
			return 0;
		size_t run = 0; /* start of the bytes not yet added */
		for (size_t k = 0; k < (size_t)n; k++) {
			char c = buf[k];
			if (quote) {
				quote = false;
				run = k + 1;
				if (c == '\n')
					continue;
				mark_escaped(esc, line->len);
				sb_addc(line, c);
			} else if (c == '\n' || (c == '\\' && !raw)) {
				sb_add(line, buf + run, k - run);
				run = k + 1;
				if (c == '\\') {
					quote = true;
					continue;
				}
				/* a regular file: give back what follows the line
				 * (an lseek that cannot fail there) */
				if (block && k + 1 < (size_t)n)
					(void)lseek(0, (off_t)k + 1 - n, SEEK_CUR);
				return 1;
			}
		}
		sb_add(line, buf + run, (size_t)n - run);
	}
}

int bi_read(int argc, char **argv)
{
	bool raw = false;
	const char *prompt = NULL;
	struct bopt g = BOPT_INIT;
	int c;
	while ((c = builtin_getopt(&g, argc, argv, "rp:")) != -1) {
		if (c == 'r')
			raw = true;
		else if (c == 'p')
			prompt = g.arg;
		else
			return 2;
	}
	int i = g.ind;
	for (int k = i; k < argc; k++)
		if (!is_name(argv[k], (size_t)-1)) {
			msg_err("read: '%s': not a valid identifier", argv[k]);
			return 2;
		}
	if (prompt && isatty(0) && write_all(2, prompt, strlen(prompt)) < 0) { /* no terminal */ }
	struct strbuf line = {0}, esc = {0};
	sb_add(&line, "", 0);
	int got_nl = read_line(raw, &line, &esc);
	const char *ifs = var_get("IFS");
	if (!ifs)
		ifs = " \t\n";
	const char *s = line.buf, *q = esc.buf;
	size_t n = line.len, p = 0;
#define IS_IFS(k) (!((k) < esc.len && q[k]) && s[k] && strchr(ifs, s[k]))
#define IS_WS(k) (IS_IFS(k) && strchr(" \t\n", s[k]))
	while (p < n && IS_WS(p))
		p++;
	int nvars = argc - i;
	int st = 0;
	for (int k = 0; k < (nvars ? nvars : 1); k++) {
		const char *name = nvars ? argv[i + k] : "REPLY";
		size_t start = p, end;
		if (nvars && k < nvars - 1) {
			while (p < n && !IS_IFS(p))
				p++;
			end = p;
			while (p < n && IS_WS(p))
				p++;
			if (p < n && IS_IFS(p)) {
				p++;
				while (p < n && IS_WS(p))
					p++;
			}
		} else {
			/* The last name takes the rest, less trailing IFS blanks;
			 * REPLY (no name) takes the line as it is. */
			if (nvars)
				for (end = n; end > start && IS_WS(end - 1); end--) { }
			else
				start = 0, end = n;
			p = n;
		}
		char *v = xstrndup(s + start, end - start);
		if (var_set(name, v, 0) < 0)
			st = 2;
		free(v);
	}
#undef IS_IFS
#undef IS_WS
	sb_free(&line);
	sb_free(&esc);
	return st ? st : got_nl ? 0 : 1;
}
