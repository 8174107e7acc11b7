/* path.c — $PATH search, shared by command lookup, exec and source, with
 * a small cache of found commands (as sh's `hash`): a 50-stage `cat` chain
 * then searches $PATH once, not fifty times. The cache is dropped when
 * $PATH changes, and an entry is checked with one access() before use. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell.h"

struct hashed {
	char *name, *path;
	unsigned hits;  /* uses since remembered (hash's listing) */
};
static struct hashed cache[64];
static char *cache_pathvar;

void path_hash_clear(void)
{
	for (size_t i = 0; i < ARRAY_LEN(cache); i++) {
		free(cache[i].name);
		free(cache[i].path);
		cache[i].name = cache[i].path = NULL;
	}
}

static const char *path_var(void)
{
	const char *pv = var_get("PATH");
	return pv ? pv : "/usr/local/bin:/usr/bin:/bin";
}

/* Forget everything when $PATH is not the one the cache was made with. */
static void cache_check(const char *pv)
{
	if (cache_pathvar && strcmp(cache_pathvar, pv) == 0)
		return;
	path_hash_clear();
	free(cache_pathvar);
	cache_pathvar = xstrdup(pv);
}

static char *cache_get(const char *name, const char *pv)
{
	cache_check(pv);
	for (size_t i = 0; i < ARRAY_LEN(cache); i++)
		if (cache[i].name && strcmp(cache[i].name, name) == 0) {
			if (access(cache[i].path, X_OK) == 0) {
				cache[i].hits++;
				return xstrdup(cache[i].path);
			}
			return NULL; /* gone: search again */
		}
	return NULL;
}

static void cache_put(const char *name, const char *path)
{
	size_t h = 5381;
	for (const char *p = name; *p; p++)
		h = h * 33 + (unsigned char)*p;
	struct hashed *e = &cache[h % ARRAY_LEN(cache)];
	free(e->name);
	free(e->path);
	e->name = xstrdup(name);
	e->path = xstrdup(path);
	e->hits = 1;
}

static char *search(const char *name, const char *pv, bool want_exec, char **denied);

char *path_search(const char *name, bool want_exec, char **denied)
{
	const char *pv = path_var();
	if (denied)
		*denied = NULL;
	if (!want_exec)
		return search(name, pv, false, denied);
	char *hit = cache_get(name, pv);
	if (hit)
		return hit;
	char *found = search(name, pv, true, denied);
	if (found)
		cache_put(name, found);
	return found;
}

static char *search(const char *name, const char *pv, bool want_exec, char **denied)
{
	if (!*name)
		return NULL;
	for (const char *p = pv;; p++) {
		const char *colon = strchr(p, ':');
		size_t dl = colon ? (size_t)(colon - p) : strlen(p);
		/* An empty entry means the current directory. */
		char *cand = xasprintf("%.*s/%s", (int)dl, dl ? p : ".", name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (!want_exec || access(cand, X_OK) == 0) {
				if (denied && *denied) {
					free(*denied);
					*denied = NULL;
				}
				return cand;
			}
			if (denied && !*denied) {
				*denied = cand;
				cand = NULL;
			}
		}
		free(cand);
		if (!colon)
			return NULL;
		p = colon;
	}
}

char *path_search_in(const char *name, const char *pathvar)
{
	return search(name, pathvar, true, NULL);
}

void path_hash_each(void (*fn)(const char *name, const char *path, void *ctx), void *ctx)
{
	cache_check(path_var());
	for (size_t i = 0; i < ARRAY_LEN(cache); i++)
		if (cache[i].name)
			fn(cache[i].name, cache[i].path, ctx);
}

unsigned path_hash_hits(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(cache); i++)
		if (cache[i].name && strcmp(cache[i].name, name) == 0)
			return cache[i].hits;
	return 0;
}

int path_hash_add(const char *name)
{
	const char *pv = path_var();
	cache_check(pv);
	char *found = search(name, pv, true, NULL);
	if (!found)
		return -1;
	cache_put(name, found);
	for (size_t i = 0; i < ARRAY_LEN(cache); i++)
		if (cache[i].name && strcmp(cache[i].name, name) == 0)
			cache[i].hits = 0; /* remembered, not yet used (as bash) */
	free(found);
	return 0;
}
