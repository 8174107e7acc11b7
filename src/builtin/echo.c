/* echo.c — echo [-neE] ARG..., as bash's echo (a word of other letters
 * than n, e, E is an operand: bash's rule, which POSIX leaves open). */
#include <stdbool.h>
#include <string.h>

#include "../util/util.h"
#include "internal.h"

static void echo_escapes(struct strbuf *sb, const char *s, bool *stop)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			sb_addc(sb, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'n': sb_addc(sb, '\n'); break;
		case 't': sb_addc(sb, '\t'); break;
		case 'r': sb_addc(sb, '\r'); break;
		case 'a': sb_addc(sb, '\a'); break;
		case 'b': sb_addc(sb, '\b'); break;
		case 'f': sb_addc(sb, '\f'); break;
		case 'v': sb_addc(sb, '\v'); break;
		case 'e':
		case 'E': sb_addc(sb, 27); break;
		case 'x': {
			/* \xHH: one or two hex digits, as bash */
			int v = 0, k = 0;
			for (; k < 2 && s[1] && strchr("0123456789abcdefABCDEF", s[1]); k++, s++)
				v = v * 16 + (s[1] <= '9' ? s[1] - '0' : (s[1] | 32) - 'a' + 10);
			if (k)
				sb_addc(sb, (char)v);
			else
				sb_adds(sb, "\\x");
			break;
		}
		case '\\': sb_addc(sb, '\\'); break;
		case 'c': *stop = true; return;
		case '0': {
			int v = 0, k = 0;
			while (k < 3 && s[1] >= '0' && s[1] <= '7') {
				v = v * 8 + (*++s - '0');
				k++;
			}
			sb_addc(sb, (char)v);
			break;
		}
		default: sb_addc(sb, '\\'); sb_addc(sb, *s); break;
		}
	}
}

/* echo [-neE] ARG... as bash's echo. */
int bi_echo(int argc, char **argv)
{
	bool nl = true, esc = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *p = argv[i] + 1;
		if (strspn(p, "neE") != strlen(p))
			break;
		for (; *p; p++)
			*p == 'n' ? (nl = false) : *p == 'e' ? (esc = true) : (esc = false);
	}
	struct strbuf sb = {0};
	bool stop = false;
	for (int first = i; i < argc && !stop; i++) {
		if (i > first)
			sb_addc(&sb, ' ');
		if (esc)
			echo_escapes(&sb, argv[i], &stop);
		else
			sb_adds(&sb, argv[i]);
	}
	if (nl && !stop)
		sb_addc(&sb, '\n');
	int r = sb.len && bi_out(sb.buf, sb.len) < 0 ? 1 : 0;
	if (r)
		msg_errno("echo: write error");
	sb_free(&sb);
	return r;
}
