/* var.c — export, readonly, unset, local: the attributes of variables.
 * (Named var.c, not vars.c: src/exec/vars.c would collide with it in
 * libipcsh.a, whose members are named by their file's base name.) */
#include <stdlib.h>
#include <string.h>

#include "../exec/shell.h"
#include "../util/util.h"
#include "internal.h"

/* One variable as `set` lists it (ctx NULL), or as `export -p` or
 * `readonly -p` do (ctx "export" or "readonly": only those, prefixed). */
void var_print(const char *name, const char *value, bool exported, void *ctx)
{
	const char *decl = ctx;
	if (decl && (strcmp(decl, "export") == 0 ? !exported : !var_readonly(name)))
		return;
	struct strbuf sb = {0};
	if (decl)
		sb_addf(&sb, "%s %s", decl, name);
	else
		sb_adds(&sb, name);
	if (value) {
		sb_addc(&sb, '=');
		sb_add_shquoted(&sb, value);
	}
	sb_addc(&sb, '\n');
	out_printf("%s", sb.buf);
	sb_free(&sb);
}


/* export, readonly and local: NAME[=VALUE]... get flag (local: made
 * local first); export and readonly without operand (or with -p) list
 * the variables that have it. */
static int declare(int argc, char **argv, unsigned flag, bool local)
{
	const char *what = argv[0];
	int st = 0;
	char f[128] = {0};
	int i = bopt_flags(argc, argv, local ? "" : "p", f);
	if (i < 0)
		return 2;
	if (local && !var_scope_depth()) {
		msg_err("local: can only be used in a function");
		return 1;
	}
	if (i >= argc && !local) {
		var_each(var_print, (void *)what);
		return 0;
	}
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		bool append = eq && nl > 1 && argv[i][nl - 1] == '+'; /* NAME+=value (bash) */
		if (append)
			nl--;
		if (!is_name(argv[i], nl)) {
			msg_err("%s: '%s': not a valid identifier", what, argv[i]);
			st = 1;
			continue;
		}
		char *name = xstrndup(argv[i], nl);
		if (local && var_make_local(name) < 0)
			st = 1;
		else if (local && !eq)
			; /* declared, without a value */
		else if (!eq && flag == VAR_EXPORT)
			var_export(name); /* an unset name stays unset, marked for export */
		else if (append) {
			const char *old = var_get(name);
			char *v = xasprintf("%s%s", old ? old : "", eq + 1);
			if (var_set(name, v, flag) < 0)
				st = 1;
			free(v);
		} else if (var_set(name, eq ? eq + 1 : NULL, flag) < 0)
			st = 1;
		free(name);
	}
	return st;
}

int bi_export(int argc, char **argv)
{
	return declare(argc, argv, VAR_EXPORT, false);
}

int bi_readonly(int argc, char **argv)
{
	return declare(argc, argv, VAR_READONLY, false);
}

int bi_local(int argc, char **argv)
{
	return declare(argc, argv, 0, true);
}

/* unset [-v] NAME...: variables; unset -f NAME...: functions. */
int bi_unset(int argc, char **argv)
{
	char f[128] = {0};
	int i = bopt_flags(argc, argv, "fv", f);
	if (i < 0)
		return 2;
	int st = 0;
	for (; i < argc; i++) {
		if (f['f'] && !f['v']) {
			shell_func_unset(argv[i]);
			continue;
		}
		if (!is_name(argv[i], (size_t)-1)) {
			msg_err("unset: '%s': not a valid identifier", argv[i]);
			st = 1;
			continue;
		}
		if (var_unset(argv[i]) < 0)
			st = 1;
	}
	return st;
}
