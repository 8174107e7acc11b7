/* misc.c — true, false, :, let, history. */
#include "../exec/arith.h"
#include "../util/util.h"
#include "internal.h"

/* Provided by the interactive front end; NULL when not linked in. */
int (*builtin_history_hook)(int argc, char **argv);

int bi_true(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 0;
}

int bi_false(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 1;
}

/* let EXPR...: each argument an arithmetic expression (bash); 0 when
 * the last one is not zero, 1 when it is or on an error (as bash). */
int bi_let(int argc, char **argv)
{
	if (argc < 2) {
		msg_err("let: expression expected");
		return 1;
	}
	long v = 0;
	for (int i = 1; i < argc; i++) {
		struct errbuf e = {{0}};
		if (arith_eval(argv[i], &v, &e) < 0) {
			msg_err("let: %s: %s", argv[i], e.msg);
			return 1;
		}
	}
	return v == 0;
}

int bi_history(int argc, char **argv)
{
	if (builtin_history_hook)
		return builtin_history_hook(argc, argv);
	return 0; /* history is off in a non-interactive shell, as in bash */
}

