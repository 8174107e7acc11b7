/* arith.h — evaluating the text of an arithmetic expansion $(( )) once its
 * parameters and command substitutions are expanded (src/exec/arith.c). */
#ifndef IPCSH_ARITH_H
#define IPCSH_ARITH_H

#include "../util/util.h"

/* Evaluate expr; assignments in it set shell variables. Returns 0 and *out,
 * or -1 with e set ("division by zero", "syntax error near '...'"). */
int arith_eval(const char *expr, long *out, struct errbuf *e) WUR;

#endif
