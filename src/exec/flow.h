/* flow.h — the built-ins that steer the executor: break, continue,
 * return, exit, eval, . (source), exec. They return a struct xs whose
 * control code unwinds the tree walk (shell.h), so they live with the
 * executor rather than in src/builtin/. */
#ifndef IPCSH_FLOW_H
#define IPCSH_FLOW_H

#include "shell.h"

struct flow_builtin {
	const char *name;
	struct xs (*fn)(int argc, char **argv);
};

/* The flow built-in called name, or NULL. */
const struct flow_builtin *flow_find(const char *name);

#endif
