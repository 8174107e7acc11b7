/* getopts.c — getopts OPTSTRING NAME [ARG...], as POSIX says and bash
 * does: OPTIND indexes the operands (the positional parameters when no
 * ARG is given), OPTARG gets an option's argument; a leading ':' is the
 * silent mode. The position inside a cluster ("-abc") lives here, and is
 * forgotten when OPTIND is changed by anyone else (OPTIND=1 restarts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../exec/shell.h"
#include "../util/util.h"
#include "internal.h"

static int cluster_pos;   /* builtin_getopt's pos after the last call */
static long optind_set;   /* the OPTIND value that call left */

static void set_optind(long v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%ld", v);
	if (var_set("OPTIND", buf, 0) < 0) { /* readonly OPTIND: as bash, go on */ }
	optind_set = v;
}

static int getopts_result(const char *name, char c, const char *optarg)
{
	char v[2] = {c, 0};
	int st = var_set(name, v, 0) < 0 ? 2 : 0;
	if (optarg)
		st |= var_set("OPTARG", optarg, 0) < 0 ? 2 : 0;
	else if (var_unset("OPTARG") < 0)
		st = 2;
	return st;
}

int bi_getopts(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv++; /* as bash: getopts has no options, "--" may end them */
		argc--;
	}
	if (argc < 3) {
		msg_err("getopts: usage: getopts OPTSTRING NAME [ARG...]");
		return 2;
	}
	const char *spec = argv[1], *name = argv[2];
	if (!is_name(name, (size_t)-1)) {
		msg_err("getopts: '%s': not a valid identifier", name);
		return 2;
	}
	bool silent = *spec == ':';
	char *opts = xasprintf(":%s", spec + silent);
	/* args[0] is only for messages; args[1..] the operands. */
	int nargs = argc > 3 ? argc - 3 : sh.nparams;
	char **src = argc > 3 ? argv + 3 : sh.params;
	char **args = xcalloc((size_t)nargs + 2, sizeof *args);
	args[0] = sh.arg0;
	memcpy(args + 1, src, (size_t)nargs * sizeof *args);

	const char *ov = var_get("OPTIND");
	char *end;
	long optind = ov ? strtol(ov, &end, 10) : 1;
	if (!ov || *end || optind < 1)
		optind = 1;
	struct bopt g = BOPT_INIT;
	g.ind = (int)(optind > nargs + 1 ? nargs + 1 : optind);
	g.pos = optind == optind_set && g.ind <= nargs ? cluster_pos : 0;
	int c = builtin_getopt(&g, nargs + 1, args, opts);
	cluster_pos = g.pos;
	set_optind(g.ind);
	int st;
	if (c == -1) {
		st = getopts_result(name, '?', NULL);
		st = st ? st : 1;
	} else if (c == '?' || c == ':') {
		char letter[2] = {(char)g.opt, 0};
		if (!silent)
			err_printf("%s: %s -- %c\n", sh.arg0,
				   c == '?' ? "illegal option" : "option requires an argument", g.opt);
		st = getopts_result(name, silent ? (char)c : '?', silent ? letter : NULL);
	} else {
		st = getopts_result(name, (char)c, g.arg);
	}
	free(args);
	free(opts);
	return st;
}
