/* arena.c — bump allocator in chunks. */
#include "arena.h"
#include "util.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

#define CHUNK_MIN 8192

/* Chunks of CHUNK_MIN bytes are kept for the next arena: a shell loop
 * makes and frees an arena per command, and malloc/free of 8 KiB each
 * time is most of what a cheap built-in costs. */
#define CHUNK_CACHE 16
static struct arena_chunk *cache[CHUNK_CACHE];
static size_t ncache;

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t al = alignof(max_align_t);
	n = (n + al - 1) & ~(al - 1);
	struct arena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
		c = cap == CHUNK_MIN && ncache ? cache[--ncache] : xmalloc(sizeof *c + cap);
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_realloc(struct arena *a, void *old, size_t oldn, size_t newn)
{
	void *p = arena_alloc(a, newn);
	if (old && oldn)
		memcpy(p, old, oldn < newn ? oldn : newn);
	return p;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *n = c->next;
		if (c->cap == CHUNK_MIN && ncache < CHUNK_CACHE)
			cache[ncache++] = c;
		else
			free(c);
		c = n;
	}
	a->head = NULL;
}
