/* alias.c — alias and unalias, and the store the lexer reads through
 * alias_get(). A sorted array: few aliases, looked up on every command
 * word, listed in order. */
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "internal.h"

struct alias {
	char *name, *value;
};
static struct alias *aliases;
static size_t naliases, cap;
static unsigned long generation; /* bumped by every change */

unsigned long alias_generation(void)
{
	return generation;
}

static int cmp_alias(const void *key, const void *elem)
{
	return strcmp(key, ((const struct alias *)elem)->name);
}

static struct alias *alias_find(const char *name)
{
	if (!naliases)
		return NULL;
	return bsearch(name, aliases, naliases, sizeof *aliases, cmp_alias);
}

const char *alias_get(const char *name)
{
	struct alias *a = alias_find(name);
	return a ? a->value : NULL;
}

static void alias_set(const char *name, size_t nl, const char *value)
{
	generation++;
	char *n = xstrndup(name, nl);
	struct alias *a = alias_find(n);
	if (a) {
		free(n);
		free(a->value);
		a->value = xstrdup(value);
		return;
	}
	if (naliases == cap) {
		cap = cap ? 2 * cap : 8;
		aliases = xrealloc(aliases, cap * sizeof *aliases);
	}
	size_t k = 0;
	while (k < naliases && strcmp(aliases[k].name, n) < 0)
		k++;
	memmove(aliases + k + 1, aliases + k, (naliases - k) * sizeof *aliases);
	aliases[k].name = n;
	aliases[k].value = xstrdup(value);
	naliases++;
}

static void alias_remove(struct alias *a)
{
	generation++;
	free(a->name);
	free(a->value);
	size_t k = (size_t)(a - aliases);
	memmove(a, a + 1, (naliases - k - 1) * sizeof *aliases);
	naliases--;
}

static void alias_print(struct strbuf *sb, const struct alias *a)
{
	/* Always in single quotes, as bash prints them: 'it'\''s'. */
	sb_addf(sb, "alias %s='", a->name);
	for (const char *p = a->value; *p; p++)
		if (*p == '\'')
			sb_adds(sb, "'\\''");
		else
			sb_addc(sb, *p);
	sb_adds(sb, "'\n");
}

/* A valid alias name: POSIX's portable characters, no '=' or quoting. */
static bool alias_name_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (strchr(" \t\n'\"\\`$&|;<>()=/", s[k]))
			return false;
	return true;
}

/* alias [-p] [NAME[=VALUE]...]: define, or print in re-usable form. */
int bi_alias(int argc, char **argv)
{
	char f[128] = {0};
	int i = bopt_flags(argc, argv, "p", f);
	if (i < 0)
		return 2;
	struct strbuf sb = {0};
	int st = 0;
	if (i >= argc || f['p'])
		for (size_t k = 0; k < naliases; k++)
			alias_print(&sb, &aliases[k]);
	for (; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (eq && eq != argv[i]) {
			size_t nl = (size_t)(eq - argv[i]);
			if (!alias_name_ok(argv[i], nl)) {
				msg_err("alias: '%.*s': invalid alias name", (int)nl, argv[i]);
				st = 1;
				continue;
			}
			alias_set(argv[i], nl, eq + 1);
			continue;
		}
		struct alias *a = eq ? NULL : alias_find(argv[i]);
		if (a) {
			alias_print(&sb, a);
		} else {
			msg_err("alias: %s: not found", argv[i]);
			st = 1;
		}
	}
	if (sb.len)
		out_printf("%s", sb.buf);
	sb_free(&sb);
	return st;
}

/* unalias -a | NAME...: forget aliases. */
int bi_unalias(int argc, char **argv)
{
	char f[128] = {0};
	int i = bopt_flags(argc, argv, "a", f);
	if (i < 0)
		return 2;
	if (f['a']) {
		while (naliases)
			alias_remove(&aliases[naliases - 1]);
		return 0;
	}
	if (i >= argc) {
		msg_err("unalias: usage: unalias [-a] NAME...");
		return 2;
	}
	int st = 0;
	for (; i < argc; i++) {
		struct alias *a = alias_find(argv[i]);
		if (a) {
			alias_remove(a);
		} else {
			msg_err("unalias: %s: not found", argv[i]);
			st = 1;
		}
	}
	return st;
}
