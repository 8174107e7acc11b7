/* func.c — shell functions: the table, definition and calls.
 *
 * A definition outlives the text it was parsed from (a REPL line, an eval
 * string), so each function owns an arena holding its own parse of its
 * source text. A function that redefines or unsets itself while it runs
 * is freed only when its last call returns (refs). */
#include "shell.h"

#include <stdlib.h>
#include <string.h>

#include "../builtin/builtin.h"
#include "../parse/parse.h"

/* Calls nested deeper than this fail (bash's FUNCNEST, but always on):
 * runaway recursion gets an error, not a segfault. FUNCNEST may lower it. */
#define FUNC_MAX_NEST 1000

struct func {
	char *name;
	char *text;                 /* the whole definition, for `type` and `set` */
	struct arena a;
	const struct ast_cmd *body; /* a compound command, in a */
	int refs;                   /* calls running */
	bool dead;                  /* unset or redefined while running */
	struct func *next;
};

static struct func *funcs;

static void func_free(struct func *f)
{
	arena_free(&f->a);
	free(f->name);
	free(f->text);
	free(f);
}

/* Take f out of the table; free it unless a call of it runs. */
static void func_drop(struct func **pp)
{
	struct func *f = *pp;
	*pp = f->next;
	if (f->refs)
		f->dead = true;
	else
		func_free(f);
}

void shell_func_unset(const char *name)
{
	(void)func_unset(name);
}

struct func *func_find(const char *name)
{
	for (struct func *f = funcs; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

bool shell_func_exists(const char *name)
{
	return func_find(name) != NULL;
}

const char *func_text(const struct func *f)
{
	return f->text;
}

int func_unset(const char *name)
{
	for (struct func **pp = &funcs; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0) {
			func_drop(pp);
			return 0;
		}
	return -1;
}

void func_define(const struct ast_cmd *def)
{
	const struct ast_func *af = def->u.func;
	struct func *f = xcalloc(1, sizeof *f);
	f->name = xstrdup(af->name);
	f->text = xstrdup(def->text ? def->text : "");
	/* Parse the definition again into the function's own arena: the
	 * tree it came from is freed with its script. */
	struct parse_error err;
	struct ast_script *s = parse_script(&f->a, f->text, strlen(f->text), def->line, &err);
	if (s && s->nitems == 1 && s->items[0].andor.pipes[0].stages[0].kind == CMD_FUNCDEF) {
		f->body = s->items[0].andor.pipes[0].stages[0].u.func->body;
	} else {
		/* Cannot happen: the text parsed once already. Keep the
		 * original tree's shape out of reach and fail the call. */
		msg_err("%s: cannot define function", af->name);
		func_free(f);
		return;
	}
	(void)func_unset(f->name);
	f->next = funcs;
	funcs = f;
}

static int func_max_nest(void)
{
	const char *v = var_get("FUNCNEST");
	if (v && *v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (!*end && n > 0 && n < FUNC_MAX_NEST)
			return (int)n;
	}
	return FUNC_MAX_NEST;
}

struct xs func_call(struct func *f, int argc, char **argv, unsigned flags)
{
	if (sh.func_depth >= func_max_nest()) {
		msg_err("%s: maximum function nesting level exceeded (%d)", f->name, func_max_nest());
		return (struct xs){.status = 1, .ctl = sh.interactive ? CTL_ABORT : CTL_EXIT};
	}
	char **saved = sh.params;
	int nsaved = sh.nparams;
	sh.params = NULL;
	sh.nparams = 0;
	params_set(argv + 1, argc - 1);
	int loops = sh.loop_depth;
	sh.loop_depth = 0;
	sh.func_depth++;
	f->refs++;
	var_scope_push(); /* for `local` */
	struct xs r = exec_compound_redir(f->body, flags);
	var_scope_pop();
	f->refs--;
	sh.func_depth--;
	sh.loop_depth = loops;
	for (int i = 0; i < sh.nparams; i++)
		free(sh.params[i]);
	free(sh.params);
	sh.params = saved;
	sh.nparams = nsaved;
	if (f->dead && !f->refs)
		func_free(f);
	if (r.ctl == CTL_RETURN || r.ctl == CTL_BREAK || r.ctl == CTL_CONTINUE)
		r = XS(r.status);
	return r;
}
