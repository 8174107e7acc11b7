/* umask.c — umask [-p] [-S] [MODE]: the file creation mask, in octal or
 * in chmod's symbolic form applied to the permissions it leaves
 * (`umask g-w,o-w`, `umask u=rwx,g=rx,o=`), as POSIX says. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/util.h"
#include "internal.h"

static void umask_print(mode_t m, bool sym, bool as_cmd)
{
	if (!sym) {
		out_printf("%s%04o\n", as_cmd ? "umask " : "", (unsigned)m);
		return;
	}
	static const char who[] = "ugo";
	struct strbuf sb = {0};
	if (as_cmd)
		sb_adds(&sb, "umask -S ");
	for (int k = 0; k < 3; k++) {
		unsigned allow = ~(unsigned)m >> (6 - 3 * k) & 7;
		sb_addf(&sb, "%s%c=%s%s%s", k ? "," : "", who[k], allow & 4 ? "r" : "",
			allow & 2 ? "w" : "", allow & 1 ? "x" : "");
	}
	out_printf("%s\n", sb.buf);
	sb_free(&sb);
}

/* Apply a symbolic mode to the permissions perm (0777 bits) that the
 * mask leaves. Returns 0, or -1 after a message naming the bad part. */
static int symbolic(const char *s, unsigned *perm)
{
	for (;;) {
		unsigned who = 0;
		for (; strchr("ugoa", *s) && *s; s++)
			who |= *s == 'u' ? 0700 : *s == 'g' ? 0070 : *s == 'o' ? 0007 : 0777;
		if (!who)
			who = 0777;
		if (*s != '+' && *s != '-' && *s != '=')
			goto bad;
		while (*s == '+' || *s == '-' || *s == '=') {
			char op = *s++;
			unsigned bits = 0; /* rwx as 7, spread over who below */
			if (*s && strchr("ugo", *s)) {
				int shift = *s == 'u' ? 6 : *s == 'g' ? 3 : 0;
				bits = *perm >> shift & 7;
				s++;
			} else {
				for (; *s && strchr("rwxXst", *s); s++)
					bits |= *s == 'r' ? 4 : *s == 'w' ? 2 : *s == 'x' || *s == 'X' ? 1 : 0;
			}
			unsigned spread = (bits << 6 | bits << 3 | bits) & who;
			if (op == '+')
				*perm |= spread;
			else if (op == '-')
				*perm &= ~spread;
			else
				*perm = (*perm & ~who) | spread;
		}
		if (!*s)
			return 0;
		if (*s++ != ',')
			goto bad;
	}
bad:
	msg_err("umask: '%c': invalid symbolic mode character", *s ? *s : ' ');
	return -1;
}

int bi_umask(int argc, char **argv)
{
	char f[128] = {0};
	int i = bopt_flags(argc, argv, "pS", f);
	if (i < 0)
		return 2;
	mode_t m = umask(0);
	umask(m);
	if (i >= argc) {
		umask_print(m, f['S'], f['p']);
		return 0;
	}
	const char *a = argv[i];
	unsigned v = 0;
	if (*a >= '0' && *a <= '9') {
		char *end;
		unsigned long n = strtoul(a, &end, 8);
		if (*end || n > 0777) {
			msg_err("umask: %s: octal number out of range", a);
			return 1;
		}
		v = (unsigned)n;
	} else {
		unsigned perm = ~(unsigned)m & 0777;
		if (symbolic(a, &perm) < 0)
			return 1;
		v = ~perm & 0777;
	}
	umask((mode_t)v);
	if (f['S'])
		umask_print((mode_t)v, true, false);
	return 0;
}
