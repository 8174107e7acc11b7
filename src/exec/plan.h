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

/* The same in any format: text, JSON, or DOT (Graphviz: one cluster per
 * pipeline, a box per stage and process substitution, an edge labelled
 * with its transport and planned options). Every format shows the whole
 * graph: substitutions as nodes named 2.<1, 2.>2, ... with their edges. */
enum plan_format { PLAN_FMT_TEXT, PLAN_FMT_JSON, PLAN_FMT_DOT };
void plan_format_as(struct strbuf *sb, const struct ast_script *s, const struct edge_spec *dflt,
		    enum plan_format fmt, const char *name);

#endif
