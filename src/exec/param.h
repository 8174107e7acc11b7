/* param.h — the string operators of ${…} (src/exec/param.c). */
#ifndef IPCSH_PARAM_H
#define IPCSH_PARAM_H

#include "../parse/word.h"
#include "../util/arena.h"

/* ${x#p} ${x##p} ${x%p} ${x%%p} (op: PARAM_TRIM_*): val without its
 * shortest or longest prefix or suffix matching pat. */
char *param_trim(struct arena *a, enum param_op op, const char *pat, const char *val);
/* ${x/p/r} ${x//p/r} ${x/#p/r} ${x/%p/r} (op: PARAM_SUBST*): the longest
 * match of pat at the first position with one (every one; anchored)
 * replaced by rep. */
char *param_subst(struct arena *a, enum param_op op, const char *pat, const char *rep,
		  const char *val);
/* ${x^p} ${x^^p} ${x,p} ${x,,p} (op: PARAM_UPPER*, PARAM_LOWER*): the
 * first or every character matching pat (empty: any) changed in case. */
char *param_case(struct arena *a, enum param_op op, const char *pat, const char *val);

#endif
