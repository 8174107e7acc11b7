/* pipestatus.c — PIPESTATUS (bash): one status per stage of the last
 * foreground pipeline, relays not counted. pipeline.c records it; the
 * expander reads it through the names the word parser lets through
 * (src/parse/word.c takes a subscript after PIPESTATUS only). */
#include "pipestatus.h"

#include <string.h>

#include "../util/util.h"
#include "arith.h"
#include "expand.h"

static int *statuses;
static size_t count, cap;

void pipestatus_set(const int *st, size_t n)
{
	if (n > cap) {
		cap = n < 8 ? 8 : n;
		statuses = xrealloc(statuses, cap * sizeof *statuses);
	}
	memcpy(statuses, st, n * sizeof *st);
	count = n;
}

void pipestatus_set1(int st)
{
	pipestatus_set(&st, 1);
}

size_t pipestatus_count(void)
{
	return count;
}

char *pipestatus_text(struct arena *a, size_t i)
{
	char buf[24];
	fmt_long(buf, i < count ? statuses[i] : 0);
	return arena_strdup(a, buf);
}

enum pipestatus_ref pipestatus_ref(const char *name)
{
	if (strncmp(name, "PIPESTATUS", 10) != 0)
		return PS_NONE;
	name += 10;
	if (!*name)
		return PS_ELEMENT;
	if (strcmp(name, "[@]") == 0)
		return PS_ALL_AT;
	if (strcmp(name, "[*]") == 0)
		return PS_ALL_STAR;
	return *name == '[' ? PS_ELEMENT : PS_NONE;
}

int pipestatus_element(struct arena *a, const char *name, const char **val)
{
	long i = 0;
	const char *sub = name + 10;
	if (*sub == '[') {
		/* "PIPESTATUS[EXPR]": as bash, EXPR is expanded, then evaluated */
		size_t len = strlen(sub + 1);
		char *e = expand_heredoc(a, arena_strndup(a, sub + 1, len ? len - 1 : 0));
		struct errbuf err = {{0}};
		if (!e)
			return -1;
		if (arith_eval(e, &i, &err) < 0) {
			msg_err("%s: %s", name, err.msg);
			return -1;
		}
		if (i < 0 && (i += (long)count) < 0) {
			msg_err("%s: bad array subscript", name); /* bash goes on */
			i = (long)count;
		}
	}
	*val = (size_t)i < count ? pipestatus_text(a, (size_t)i) : NULL;
	return 0;
}
