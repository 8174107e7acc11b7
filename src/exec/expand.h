/* expand.h — word expansion (SPEC §3): quotes, parameters, $(...), ~,
 * field splitting of unquoted expansions, globbing of unquoted words.
 * Input is a raw word as the parser stored it; results live in an arena. */
#ifndef IPCSH_EXPAND_H
#define IPCSH_EXPAND_H

#include <stddef.h>

#include "../util/arena.h"
#include "../util/util.h"

/* A growable array of strings in an arena, NULL-terminated. */
struct strvec {
	char **v;
	size_t n, cap;
};
void strvec_push(struct arena *a, struct strvec *sv, char *s);

/* Expand raw to zero or more fields appended to out. Returns 0, or -1
 * after printing a message (bad substitution, ${x?msg}). */
int expand_fields(struct arena *a, const char *raw, struct strvec *out);
/* Expand raw to exactly one string: no field splitting, no globbing
 * (assignment values, redirection targets, remote targets). NULL on error. */
char *expand_single(struct arena *a, const char *raw);
/* Expand an assignment's value (after NAME=) as one string, with ~ also
 * expanded after each unquoted ':' (PATH=~/bin:~/sbin). NULL on error. */
char *expand_assignment(struct arena *a, const char *value);
/* Expand raw as a pattern for fnmatch (case patterns): no splitting or
 * globbing; quoted characters are escaped so they match themselves. */
char *expand_pattern(struct arena *a, const char *raw);
/* Expand a here-document body: $-expansions and \$ \` \\ \newline escapes. */
char *expand_heredoc(struct arena *a, const char *body);

#endif
