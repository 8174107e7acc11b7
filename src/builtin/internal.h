/* internal.h — what the files of src/builtin/ share: every built-in's
 * entry point (the table in builtin.c names them) and a few helpers.
 * Not for other layers: they use builtin.h. */
#ifndef IPCSH_BUILTIN_INTERNAL_H
#define IPCSH_BUILTIN_INTERNAL_H

#include <stdbool.h>

#include "builtin.h"

#define BI(name) int bi_##name(int argc, char **argv)
BI(true); BI(false); BI(help); BI(history); BI(let);  /* misc.c */
BI(echo);                                                /* echo.c */
BI(printf);                                              /* printf.c */
BI(test); BI(bracket);                                   /* test.c */
BI(cd); BI(pwd); BI(pushd); BI(popd); BI(dirs);          /* cd.c */
BI(export); BI(readonly); BI(unset); BI(local);          /* var.c */
BI(set); BI(shift);                                      /* set.c */
BI(read);                                                /* read.c */
BI(trap);                                                /* trap.c */
BI(umask);                                               /* umask.c */
BI(ulimit);                                              /* ulimit.c */
BI(getopts);                                             /* getopts.c */
BI(alias); BI(unalias);                                  /* alias.c */
BI(hash);                                                /* hash.c */
BI(times);                                               /* times.c */
BI(fc);                                                  /* fc.c */
BI(type); BI(command);                                   /* type.c */
#undef BI

/* Parse the options of a built-in that takes letters only (no operands
 * inside the options): for each letter found, flags[letter] = the sign
 * ('-'). Returns the index of the first operand, or -1 after a message.
 * A thin layer on builtin_getopt for the common case. */
int bopt_flags(int argc, char **argv, const char *opts, char flags[128]);

/* Write a built-in's output: to fd 1, or into sh.stage_out when ipcsh
 * runs the built-in as the first stage of a pipeline itself (echo and
 * printf: pipeline.c). write_all's result. builtin.c. */
ssize_t bi_out(const void *buf, size_t n);

/* One variable as `set` lists it (ctx NULL), or as `export -p` or
 * `readonly -p` do (ctx "export" or "readonly": only those). var.c. */
void var_print(const char *name, const char *value, bool exported, void *ctx);

#endif
