/* plan.h — the plan of a script: what --plan prints. */
#ifndef IPCSH_PLAN_H
#define IPCSH_PLAN_H

#include <stdbool.h>

#include "../parse/ast.h"

/* The spec an edge gets: a bare '|' takes dflt (-t), others as written. */
void plan_edge_resolve(const struct edge_spec *written, const struct edge_spec *dflt,
		       struct edge_spec *out);
/* Append the plan of s as text or one JSON object. name: the script's name. */
void plan_format(struct strbuf *sb, const struct ast_script *s, const struct edge_spec *dflt, bool json,
		 const char *name);

#endif
