/* set.c — set (options, positional parameters, the listing of
 * variables), shift, and "$-". */
#include <stdlib.h>
#include <string.h>

#include "../exec/shell.h"
#include "../job/job.h"
#include "../util/util.h"
#include "internal.h"

/* set -o stats: --stats for the session (text, or the JSON that --stats=json
 * asked for), a mode rather than a flag. */
static bool stats_on;

/* The options of `set` and of the command line: a letter (0: none), the
 * -o name, the flag (stats: see option_get). Sorted by -o name: `set -o`
 * lists them so. */
static const struct {
	char letter;
	const char *name;
	bool *flag;
} set_opts[] = {
	{'a', "allexport", &sh.opt_a}, {'B', "braceexpand", &sh.opt_B}, {'e', "errexit", &sh.opt_e}, {'H', "histexpand", &sh.opt_H},
	{'m', "monitor", &sh.opt_m},
	{'C', "noclobber", &sh.opt_C}, {'n', "noexec", &sh.opt_n},  {'f', "noglob", &sh.opt_f},
	{'b', "notify", &sh.opt_b},    {'u', "nounset", &sh.opt_u}, {0, "pipefail", &sh.opt_pipefail},
	{0, "stats", &stats_on},       {'v', "verbose", &sh.opt_v}, {'x', "xtrace", &sh.opt_x},
};

static bool option_get(size_t k)
{
	return set_opts[k].flag == &stats_on ? sh.stats != STATS_NONE : *set_opts[k].flag;
}

int shell_option_set(char sign, char letter, const char *name)
{
	for (size_t k = 0; k < ARRAY_LEN(set_opts); k++)
		if (name ? strcmp(name, set_opts[k].name) == 0 : letter && letter == set_opts[k].letter) {
			*set_opts[k].flag = sign == '-';
			if (set_opts[k].flag == &stats_on) {
				/* +o then -o gives back the mode --stats chose */
				static enum stats_mode mode = STATS_TEXT;
				if (sh.stats != STATS_NONE)
					mode = sh.stats;
				sh.stats = sign == '+' ? STATS_NONE : mode;
			}
			if (set_opts[k].flag == &sh.opt_m)
				job_control_set(sh.opt_m);
			return 0;
		}
	return -1;
}

const char *shell_flags_string(void)
{
	/* bash's order: lower case letters sorted, then upper case. */
	static const char order[] = "abefimnuvxCH";
	static char buf[sizeof order];
	size_t n = 0;
	for (const char *p = order; *p; p++) {
		bool on = *p == 'i' ? sh.interactive : false;
		for (size_t k = 0; k < ARRAY_LEN(set_opts); k++)
			if (set_opts[k].letter == *p)
				on = option_get(k);
		if (on)
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return buf;
}

/* set -o (a table) or set +o (commands that set them back), as bash. */
static void set_list(bool as_commands)
{
	struct strbuf sb = {0};
	for (size_t k = 0; k < ARRAY_LEN(set_opts); k++) {
		bool on = option_get(k);
		if (as_commands)
			sb_addf(&sb, "set %co %s\n", on ? '-' : '+', set_opts[k].name);
		else
			sb_addf(&sb, "%-15s\t%s\n", set_opts[k].name, on ? "on" : "off");
	}
	out_printf("%s", sb.buf);
	sb_free(&sb);
}

int bi_set(int argc, char **argv)
{
	if (argc == 1) {
		var_each(var_print, NULL);
		return 0;
	}
	struct bopt g = BOPT_INIT;
	int c;
	while ((c = builtin_getopt(&g, argc, argv, ":+aBbCefHmnuvxo:")) != -1) {
		if (c == ':' && g.opt == 'o') {
			set_list(g.sign == '+'); /* -o at the end: the listing */
			return 0;
		}
		if (c == '?') {
			msg_err("set: %c%c: invalid option", g.sign, g.opt);
			return 2;
		}
		if (c == 'o' ? shell_option_set(g.sign, 0, g.arg) < 0
			     : shell_option_set(g.sign, (char)c, NULL) < 0) {
			msg_err("set: %s: invalid option name", g.arg);
			return 2;
		}
	}
	int i = g.ind;
	/* After "--" the operands are the parameters, even none; "-" ends
	 * the options too and turns -v and -x off (as bash and dash). */
	bool dashdash = i > 1 && strcmp(argv[i - 1], "--") == 0;
	if (i < argc && strcmp(argv[i], "-") == 0) {
		sh.opt_v = sh.opt_x = false;
		i++;
	}
	if (i < argc || dashdash)
		params_set(argv + i, argc - i);
	return 0;
}

int bi_shift(int argc, char **argv)
{
	long n = 1;
	if (argc > 1) {
		char *end;
		n = strtol(argv[1], &end, 10);
		if (*end || n < 0) {
			msg_err("shift: %s: numeric argument required", argv[1]);
			return 1;
		}
	}
	if (n > sh.nparams) {
		msg_err("shift: shift count out of range");
		return 1;
	}
	for (long i = 0; i < n; i++)
		free(sh.params[i]);
	memmove(sh.params, sh.params + n, (size_t)(sh.nparams - n + 1) * sizeof *sh.params);
	sh.nparams -= (int)n;
	return 0;
}

