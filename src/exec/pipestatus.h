/* pipestatus.h — PIPESTATUS, the one array of bash that ipcsh has: the
 * statuses of the stages of the last foreground pipeline. Read-only: it is
 * not a variable (assigning or unsetting the name changes nothing that
 * ${PIPESTATUS…} reads), and there are no other arrays. */
#ifndef IPCSH_PIPESTATUS_H
#define IPCSH_PIPESTATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"

/* Record the statuses of a pipeline's n stages (copied). */
void pipestatus_set(const int *st, size_t n);

/* Record one status (a pipeline of one command). */
void pipestatus_set1(int st);

/* How many elements there are (0 before the first pipeline). */
size_t pipestatus_count(void);

/* Element i as text in a (i < pipestatus_count()). */
char *pipestatus_text(struct arena *a, size_t i);

/* What a ${…} name says about PIPESTATUS: "PIPESTATUS" is element 0,
 * "PIPESTATUS[@]" and "PIPESTATUS[*]" every element, "PIPESTATUS[EXPR]"
 * one element (EXPR expanded as in double quotes and evaluated as an
 * arithmetic expression; negative counts from the end). */
enum pipestatus_ref { PS_NONE, PS_ELEMENT, PS_ALL_AT, PS_ALL_STAR };
enum pipestatus_ref pipestatus_ref(const char *name);

/* The element a PS_ELEMENT name refers to: 0 and *val (NULL past the end),
 * or -1 after a message for a bad subscript. */
int pipestatus_element(struct arena *a, const char *name, const char **val)
	__attribute__((warn_unused_result));

#endif
