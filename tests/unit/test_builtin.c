/* test_builtin.c — the built-ins' shared option parser (builtin_getopt:
 * POSIX getopt semantics on a caller-owned state), the table's order
 * (builtin_find is a binary search), the function scopes of `local`
 * (var_scope_push/pop, var_make_local in src/exec/vars.c), alias_get. */
#include <stdio.h>
#include <string.h>

#include "builtin/builtin.h"
#include "exec/shell.h"
#include "tap.h"

/* Run the parser over words (NULL-terminated) and render what it saw:
 * letters, "x=ARG" for arguments, "?x"/":x" for errors, "|N" the index
 * of the first operand. */
static void run(const char *opts, const char *want, char **words)
{
	int argc = 0;
	while (words[argc])
		argc++;
	struct bopt g = BOPT_INIT;
	char got[256] = "";
	size_t n = 0;
	int c;
	while ((c = builtin_getopt(&g, argc, words, opts)) != -1 && n < 200) {
		if (c == '?' || c == ':')
			n += (size_t)snprintf(got + n, sizeof got - n, "%c%c ", c, g.opt);
		else if (g.arg)
			n += (size_t)snprintf(got + n, sizeof got - n, "%c%c=%s ", g.sign, c, g.arg);
		else
			n += (size_t)snprintf(got + n, sizeof got - n, "%c%c ", g.sign, c);
	}
	snprintf(got + n, sizeof got - n, "|%d", g.ind);
	TAP_OK(strcmp(got, want) == 0, "getopt \"%s\" over %s...: want '%s', got '%s'", opts, words[1] ? words[1] : "", want, got);
}

#define W(...) ((char *[]){"cmd", __VA_ARGS__, NULL})

static void test_getopt(void)
{
	run("ab", "|1", W(NULL));
	run("ab", "-a -b |3", W("-a", "-b", "x"));
	run("ab", "-a -b |2", W("-ab", "x"));              /* a cluster */
	run("ab", "-a |3", W("-a", "--", "-b"));           /* -- ends, skipped */
	run("ab", "-a |2", W("-a", "-", "-b"));            /* - is an operand */
	run("ab", "|1", W("x", "-a"));                     /* the first operand ends */
	run("ab:c", "-b=val -c |4", W("-b", "val", "-c", "z"));
	run("ab:c", "-b=val |2", W("-bval", "z"));         /* attached argument */
	run("ab:c", "-a -b=c |2", W("-abc"));              /* the rest of the cluster */
	run("ab:c", "-b=-a |3", W("-b", "-a"));            /* an argument may look like an option */
	run(":ab:", "-a :b |3", W("-a", "-b"));            /* silent: ':' for a missing argument */
	run(":ab", "-a ?x -b |4", W("-a", "-x", "-b"));    /* silent: '?' for an unknown letter */
	run(":ab", "?x -b |2", W("-xb"));                  /* an error inside a cluster goes on */
	run(":+ab", "+a -b |3", W("+a", "-b", "c"));       /* '+' words when asked */
	run(":ab", "|1", W("+a"));                         /* not otherwise */
	run(":a:", "-a=-- |3", W("-a", "--", "x"));        /* "--" as an argument */
	run(":a", "?: |2", W("-:"));                       /* ':' is never an option */
}

static void test_table(void)
{
	const struct builtin *t = builtin_table();
	bool sorted = true;
	int n = 0;
	for (; t[n].name; n++)
		if (n && strcmp(t[n - 1].name, t[n].name) >= 0)
			sorted = false;
	TAP_OK(sorted, "the table is sorted by name (%d built-ins)", n);
	bool all = true;
	for (int i = 0; i < n; i++)
		all &= builtin_find(t[i].name) == &t[i];
	TAP_OK(all, "builtin_find finds each of them");
	TAP_OK(builtin_find("[") && builtin_find("test") && builtin_find("printf") &&
		       builtin_find("getopts") && builtin_find("local"),
	       "[, test, printf, getopts, local are built in");
	TAP_OK(!builtin_find("nosuch") && !builtin_find("") && !builtin_find("tes"), "no false hits");
}

static void test_scopes(void)
{
	TAP_OK(var_scope_depth() == 0 && var_make_local("x") < 0, "local outside a scope fails");
	TAP_OK(var_set("g", "global", VAR_EXPORT) == 0, "set g");
	var_scope_push();
	TAP_OK(var_make_local("g") == 0 && var_get("g") == NULL, "a local starts unset (as bash)");
	TAP_OK(var_set("g", "inner", 0) == 0 && strcmp(var_get("g"), "inner") == 0, "the local takes a value");
	char **env = var_environ(NULL);
	bool exported = false;
	for (; *env; env++)
		exported |= strcmp(*env, "g=inner") == 0;
	TAP_OK(exported, "a local of an exported name is exported");
	TAP_OK(var_make_local("fresh") == 0 && var_set("fresh", "1", 0) == 0, "a local of an unset name");
	var_scope_push();
	TAP_OK(var_make_local("g") == 0 && var_set("g", "deeper", 0) == 0, "nested scope");
	TAP_OK(var_unset("g") == 0 && var_get("g") == NULL, "unset of a local");
	var_scope_pop();
	TAP_OK(var_get("g") && strcmp(var_get("g"), "inner") == 0, "pop gives back the outer local");
	var_scope_pop();
	TAP_OK(var_get("g") && strcmp(var_get("g"), "global") == 0, "pop gives back the global");
	TAP_OK(var_get("fresh") == NULL, "a local of an unset name is unset again");
	TAP_OK(var_scope_depth() == 0, "depth back to 0");
	TAP_OK(var_set("ro", "1", VAR_READONLY) == 0, "readonly ro");
	var_scope_push();
	TAP_OK(var_make_local("ro") < 0, "a readonly name cannot be made local");
	var_scope_pop();
}

static void test_alias(void)
{
	char *def[] = {"alias", "ll=ls -l", "a=b", NULL};
	char *un[] = {"unalias", "a", NULL};
	const struct builtin *al = builtin_find("alias"), *ua = builtin_find("unalias");
	TAP_OK(al->fn(3, def) == 0, "alias ll='ls -l' a=b");
	TAP_OK(alias_get("ll") && strcmp(alias_get("ll"), "ls -l") == 0, "alias_get(ll)");
	TAP_OK(ua->fn(2, un) == 0 && alias_get("a") == NULL && alias_get("ll"), "unalias a");
	TAP_OK(alias_get("nosuch") == NULL, "alias_get of no alias is NULL");
}

int main(void)
{
	shell_init((char *[]){NULL}, "ipcsh");
	test_getopt();
	test_table();
	test_scopes();
	test_alias();
	return tap_done();
}
