/* func_tmp.c — TEMPORARY: replaced by the executor's shell_func_exists (delete at merge). */
#include "builtin.h"

bool shell_func_exists(const char *name)
{
	(void)name;
	return false;
}

void shell_func_unset(const char *name)
{
	(void)name;
}
