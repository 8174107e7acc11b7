/* misc.c — true, false, :, history. */
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

int bi_history(int argc, char **argv)
{
	if (builtin_history_hook)
		return builtin_history_hook(argc, argv);
	return 0; /* history is off in a non-interactive shell, as in bash */
}

