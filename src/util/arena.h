/* arena.h — a bump allocator for everything that lives as long as one
 * parsed script or one planned command: AST, plan, expanded words.
 * Freed in one go with arena_free(). */
#ifndef IPCSH_ARENA_H
#define IPCSH_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};

/* Allocate n zeroed bytes, aligned for any type; never fails. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Grow an array allocated in the arena (copies; the old block stays until arena_free). */
void *arena_realloc(struct arena *a, void *old, size_t oldn, size_t newn);
/* Free every allocation; the arena can be used again. NULL-safe. */
void arena_free(struct arena *a);

#endif
