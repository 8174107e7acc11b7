/* target.c — parsing the text after '@' (SPEC §9). */
#include "proto.h"

#include <stdlib.h>
#include <string.h>

static bool port_ok(const char *p)
{
	size_t n = strlen(p);
	if (n < 1 || n > 5 || strspn(p, "0123456789") != n)
		return false;
	long v = strtol(p, NULL, 10);
	return v >= 1 && v <= 65535;
}

static int parse_tcp(const char *s, struct rtarget *t, struct errbuf *e)
{
	const char *colon = strrchr(s, ':');
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close == s + 1 || (close[1] && close[1] != ':')) {
			errbuf_set(e, "bad address '%s' (IPv6 is written [ADDR]:PORT)", s);
			return -1;
		}
		t->host = xstrndup(s + 1, (size_t)(close - s - 1));
		t->port = xstrdup(close[1] ? close + 2 : RP_PORT_DEFAULT);
	} else if (colon && strchr(s, ':') == colon) {
		t->host = xstrndup(s, (size_t)(colon - s));
		t->port = xstrdup(colon + 1);
	} else {
		/* no colon, or a bare IPv6 address */
		t->host = xstrdup(s);
		t->port = xstrdup(RP_PORT_DEFAULT);
	}
	if (!t->host[0] || t->host[0] == '-' || !port_ok(t->port)) {
		errbuf_set(e, "bad remote target '%s' (HOST, HOST:PORT or [ADDR]:PORT)", s);
		rtarget_free(t);
		return -1;
	}
	return 0;
}

int rtarget_parse(const char *s, struct rtarget *t, struct errbuf *e)
{
	memset(t, 0, sizeof *t);
	if (strncmp(s, "ssh:", 4) == 0) {
		const char *d = s + 4;
		const char *at = strchr(d, '@');
		const char *host = at ? at + 1 : d;
		/* A leading '-' would reach ssh as an option. */
		if (!*d || *d == '-' || !*host || *host == '-' || strpbrk(d, " \t\n")) {
			errbuf_set(e, "bad ssh target '%s' (ssh:[USER@]HOST)", s);
			return -1;
		}
		t->ssh = true;
		t->host = xstrdup(d);
		return 0;
	}
	if (!*s) {
		errbuf_set(e, "empty remote target");
		return -1;
	}
	return parse_tcp(s, t, e);
}

void rtarget_free(struct rtarget *t)
{
	free(t->host);
	free(t->port);
	t->host = t->port = NULL;
}
