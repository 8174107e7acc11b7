/* vars.c — shell variables and positional parameters.
 *
 * A small chained hash table; the exported environment is rebuilt lazily
 * and cached until a variable changes, so spawning many stages does not
 * rebuild it each time. */
#include "shell.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct var {
	struct var *next;
	char *name;
	char *value;   /* "NAME=value" lives in `pair`; value points into it */
	char *pair;
	size_t cap;    /* room for a value of this many bytes in pair */
	bool exported;
	bool readonly;
};

#define NBUCKETS 128
static struct var *buckets[NBUCKETS];
static char **env_cache;
static size_t env_count;
static bool env_dirty = true;

/* The undo log (var_journal_begin/rollback): while it is open, the first
 * change of each variable records what to put back. */
struct undo {
	char *name, *value; /* value NULL: the variable was unset */
	bool exported;
};
static struct undo *journal;
static size_t njournal, capjournal;
static int journaling;

static struct var *lookup(const char *name);

static void journal_note(const char *name)
{
	if (!journaling)
		return;
	struct var *v = lookup(name);
	if (njournal == capjournal) {
		capjournal = capjournal ? 2 * capjournal : 8;
		journal = xrealloc(journal, capjournal * sizeof *journal);
	}
	journal[njournal++] = (struct undo){xstrdup(name), v && v->pair ? xstrdup(v->value) : NULL,
					    v && v->exported};
}

size_t var_journal_begin(void)
{
	journaling++;
	return njournal;
}

void var_journal_rollback(size_t mark)
{
	journaling--;
	int saved = journaling;
	journaling = 0; /* putting back is not itself recorded */
	while (njournal > mark) {
		struct undo *u = &journal[--njournal];
		if (u->value) {
			if (var_set(u->name, u->value, u->exported ? VAR_EXPORT : 0) < 0) { /* not readonly */ }
		} else if (var_unset(u->name) < 0) { /* idem */
		}
		free(u->name);
		free(u->value);
	}
	journaling = saved;
}

static unsigned hash(const char *s)
{
	unsigned h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % NBUCKETS;
}

static struct var *lookup_raw(const char *name)
{
	for (struct var *v = buckets[hash(name)]; v; v = v->next)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

static bool graph_lazy, lineno_lazy;
static void graph_materialize(void);
static void lineno_materialize(void);

/* A variable by name. LINENO and IPCSH_GRAPHSTATUS change with every
 * command, so they are written out only when something looks at them
 * (read, assigned, listed, exported). */
static struct var *lookup(const char *name)
{
	if (name[0] == 'L' && lineno_lazy && strcmp(name, "LINENO") == 0)
		lineno_materialize();
	else if (name[0] == 'I' && graph_lazy && strcmp(name, "IPCSH_GRAPHSTATUS") == 0)
		graph_materialize();
	return lookup_raw(name);
}

/* Before every variable is looked at (the environment, listings). */
static void lazy_materialize(void)
{
	if (lineno_lazy)
		lineno_materialize();
	if (graph_lazy)
		graph_materialize();
}

/* ---- RANDOM and SECONDS (bash) ------------------------------------------
 * Read, RANDOM is a new number in 0..32767 and SECONDS the whole seconds
 * since the shell started; assigned, RANDOM=n seeds the sequence (the same
 * n, the same numbers) and SECONDS=n counts on from n; unset, they are
 * ordinary variables from then on. A forked shell that was not seeded
 * draws its own numbers, as bash's subshells do. */
static bool dyn_random = true, dyn_seconds = true, dyn_writing;
static uint64_t rnd_state;
static pid_t rnd_pid; /* the process rnd_state belongs to */
static time_t sec_base;

void var_dyn_start(void)
{
	sec_base = time(NULL);
}

static void dyn_refresh(const char *name, long value)
{
	char buf[24];
	fmt_long(buf, value);
	dyn_writing = true;
	if (var_set(name, buf, 0) < 0) { /* readonly: keeps its value */ }
	dyn_writing = false;
}

static long next_random(void)
{
	if (rnd_pid != getpid()) {
		/* the shell's first number, or a forked shell's (seeded or
		 * not, it draws its own, as bash's subshells do) */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		rnd_pid = getpid();
		rnd_state ^= ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)rnd_pid << 40);
	}
	/* splitmix64: any seed, the whole period */
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (long)((z ^ (z >> 31)) & 0x7fff);
}

/* An assignment to RANDOM or SECONDS (not one of ours). */
static void dyn_assigned(const char *name, const char *value)
{
	if (dyn_writing || !value)
		return;
	if (dyn_random && strcmp(name, "RANDOM") == 0) {
		rnd_state = strtoull(value, NULL, 10);
		rnd_pid = getpid();
	} else if (dyn_seconds && strcmp(name, "SECONDS") == 0) {
		/* wrapping, as the shell's arithmetic: SECONDS=-2**63 is no
		 * overflow (fuzz_arith) */
		sec_base = (time_t)((unsigned long)time(NULL) - (unsigned long)strtol(value, NULL, 10));
	}
}

/* IPCSH_GRAPHSTATUS after a lone command run here (the usual case in a
 * loop) is kept as its label and status and written out only when read:
 * setting a variable after every command cost 11% of a `case` loop. */
static char graph_label[32];
static int graph_status;

void var_graphstatus_lazy(const char *label, size_t n, int status)
{
	if (n >= sizeof graph_label)
		n = sizeof graph_label - 1;
	memcpy(graph_label, label, n);
	graph_label[n] = '\0';
	graph_status = status;
	graph_lazy = true;
}

static void graph_materialize(void)
{
	char val[64];
	size_t ll = strlen(graph_label);
	memcpy(val, graph_label, ll);
	val[ll] = '=';
	fmt_long(val + ll + 1, graph_status);
	graph_lazy = false;
	dyn_writing = true;
	if (var_set("IPCSH_GRAPHSTATUS", val, 0) < 0) { /* readonly: the message is printed */ }
	dyn_writing = false;
}

/* LINENO, the line of the command about to run (as in sh), likewise: a
 * var_set per command was 6% of a `case` loop. A readonly LINENO keeps
 * its value. */
static int lineno_line;
static bool lineno_unset; /* unset LINENO: a plain variable from then on, as in bash */

void var_lineno_lazy(int line)
{
	lineno_line = line;
	lineno_lazy = !lineno_unset;
}

static void lineno_materialize(void)
{
	lineno_lazy = false;
	struct var *v = lookup_raw("LINENO");
	if (v && v->readonly)
		return;
	char buf[24];
	fmt_long(buf, lineno_line);
	var_set("LINENO", buf, 0);
}

const char *var_get(const char *name)
{
	if (name[0] == 'R' && dyn_random && strcmp(name, "RANDOM") == 0)
		dyn_refresh(name, next_random());
	else if (name[0] == 'S' && dyn_seconds && strcmp(name, "SECONDS") == 0)
		dyn_refresh(name, (long)((unsigned long)time(NULL) - (unsigned long)sec_base));
	struct var *v = lookup(name);
	return v ? v->value : NULL;
}

int var_set(const char *name, const char *value, unsigned flags)
{
	struct var *v = lookup(name);
	if (v && v->readonly && (value || !(flags & VAR_READONLY))) {
		msg_err("%s: readonly variable", name);
		return -1;
	}
	if ((name[0] == 'R' || name[0] == 'S') && (dyn_random || dyn_seconds))
		dyn_assigned(name, value);
	journal_note(name);
	if (journaling)
		v = lookup(name);
	if (!v) {
		unsigned h = hash(name);
		v = xcalloc(1, sizeof *v);
		v->name = xstrdup(name);
		v->next = buckets[h];
		buckets[h] = v;
		env_count++;
	}
	if (value) {
		/* Shell loops assign all the time: reuse the pair's buffer
		 * when the new value fits (value may point into it). */
		size_t nl = strlen(name), vl = strlen(value);
		if (v->pair && vl <= v->cap) {
			memmove(v->pair + nl + 1, value, vl + 1);
		} else {
			char *pair = xmalloc(nl + vl + 2 + 16);
			memcpy(pair, name, nl);
			pair[nl] = '=';
			memcpy(pair + nl + 1, value, vl + 1);
			free(v->pair);
			v->pair = pair;
			v->cap = vl + 16;
		}
		v->value = v->pair + nl + 1;
	} else if (!v->pair) {
		v->pair = xasprintf("%s=", name);
		v->cap = 0;
		v->value = v->pair + strlen(name) + 1;
	}
	if ((flags & VAR_EXPORT) || (sh.opt_a && value))
		v->exported = true; /* set -a: every assignment exports */
	if (flags & VAR_READONLY)
		v->readonly = true;
	if (v->exported)
		env_dirty = true;
	return 0;
}

bool var_readonly(const char *name)
{
	struct var *v = lookup(name);
	return v && v->readonly;
}

void var_export(const char *name)
{
	struct var *v = lookup(name);
	if (!v) {
		/* `export NAME` of an unset name: mark for export once set. */
		if (var_set(name, "", VAR_EXPORT) < 0)
			return;
		v = lookup(name);
		free(v->pair);
		v->pair = NULL;
		v->value = NULL;
		return;
	}
	v->exported = true;
	env_dirty = true;
}

int var_unset(const char *name)
{
	(void)lookup(name); /* a lazy value is written out, then unset */
	struct var **pp = &buckets[hash(name)];
	while (*pp && strcmp((*pp)->name, name) != 0)
		pp = &(*pp)->next;
	struct var *v = *pp;
	if (!v)
		return 0;
	if (v->readonly) {
		msg_err("unset: %s: readonly variable", name);
		return -1;
	}
	journal_note(name);
	if (strcmp(name, "LINENO") == 0)
		lineno_unset = true;
	else if (strcmp(name, "RANDOM") == 0)
		dyn_random = false;
	else if (strcmp(name, "SECONDS") == 0)
		dyn_seconds = false;
	*pp = v->next;
	if (v->exported)
		env_dirty = true;
	free(v->name);
	free(v->pair);
	free(v);
	env_count--;
	return 0;
}

/* Function scopes (`local`): each scope remembers, for every name made
 * local in it, the variable as it was, and puts it back when popped. */
struct saved {
	struct saved *next;
	char *name;
	char *pair;     /* NULL: the name was unset (or had no value) */
	bool existed, exported, readonly;
};
struct scope {
	struct scope *up;
	struct saved *saved;
};
static struct scope *scope;
static int scope_depth;

void var_scope_push(void)
{
	struct scope *s = xcalloc(1, sizeof *s);
	s->up = scope;
	scope = s;
	scope_depth++;
}

/* Put one saved variable back as it was before the scope. */
static void restore(struct saved *sv)
{
	struct var *v = lookup(sv->name);
	if (!sv->existed) {
		if (v) {
			v->readonly = false; /* a local readonly dies with its scope */
			if (var_unset(sv->name) < 0) { /* not readonly any more */ }
		}
		return;
	}
	if (!v) {
		unsigned h = hash(sv->name);
		v = xcalloc(1, sizeof *v);
		v->name = xstrdup(sv->name);
		v->next = buckets[h];
		buckets[h] = v;
		env_count++;
	}
	free(v->pair);
	v->pair = sv->pair;
	v->value = sv->pair ? sv->pair + strlen(sv->name) + 1 : NULL;
	v->cap = v->value ? strlen(v->value) : 0; /* the pair's room, exactly */
	sv->pair = NULL;
	v->exported = sv->exported;
	v->readonly = sv->readonly;
	env_dirty = true;
}

void var_scope_pop(void)
{
	struct scope *s = scope;
	if (!s)
		return;
	while (s->saved) {
		struct saved *sv = s->saved;
		s->saved = sv->next;
		restore(sv);
		free(sv->name);
		free(sv->pair);
		free(sv);
	}
	scope = s->up;
	scope_depth--;
	free(s);
}

int var_scope_depth(void)
{
	return scope_depth;
}

int var_make_local(const char *name)
{
	if (!scope) {
		errno = EINVAL;
		return -1;
	}
	for (struct saved *sv = scope->saved; sv; sv = sv->next)
		if (strcmp(sv->name, name) == 0)
			return 0;
	struct var *v = lookup(name);
	if (v && v->readonly) {
		msg_err("local: %s: readonly variable", name);
		errno = EPERM;
		return -1;
	}
	struct saved *sv = xcalloc(1, sizeof *sv);
	sv->name = xstrdup(name);
	sv->next = scope->saved;
	scope->saved = sv;
	if (!v)
		return 0;
	/* The local starts without a value (as bash), keeping the export
	 * attribute so that `local x=2` of an exported x is exported. */
	sv->existed = true;
	sv->pair = v->pair;
	sv->exported = v->exported;
	sv->readonly = false;
	v->pair = NULL;
	v->value = NULL;
	if (v->exported)
		env_dirty = true;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **var_environ(char *const *extra)
{
	lazy_materialize();
	if (env_dirty) {
		free(env_cache);
		env_cache = xcalloc(env_count + 1, sizeof *env_cache);
		size_t n = 0;
		for (int i = 0; i < NBUCKETS; i++)
			for (struct var *v = buckets[i]; v; v = v->next)
				if (v->exported && v->pair)
					env_cache[n++] = v->pair;
		env_cache[n] = NULL;
		env_dirty = false;
	}
	if (!extra || !*extra)
		return env_cache;
	/* Extra assignments override: a fresh array each time (rare path). */
	static char **merged;
	free(merged);
	size_t ne = 0, nc = 0;
	while (extra[ne])
		ne++;
	while (env_cache[nc])
		nc++;
	merged = xcalloc(nc + ne + 1, sizeof *merged);
	size_t n = 0;
	for (size_t i = 0; i < nc; i++) {
		size_t kl = strcspn(env_cache[i], "=");
		bool over = false;
		for (size_t j = 0; j < ne && !over; j++)
			over = strncmp(extra[j], env_cache[i], kl) == 0 && extra[j][kl] == '=';
		if (!over)
			merged[n++] = env_cache[i];
	}
	for (size_t j = 0; j < ne; j++)
		merged[n++] = extra[j];
	merged[n] = NULL;
	return merged;
}

void var_each(void (*fn)(const char *, const char *, bool, void *), void *ctx)
{
	lazy_materialize();
	struct var **all = xcalloc(env_count + 1, sizeof *all);
	size_t n = 0;
	for (int i = 0; i < NBUCKETS; i++)
		for (struct var *v = buckets[i]; v; v = v->next)
			all[n++] = v;
	char **names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = all[i]->name;
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct var *v = lookup(names[i]);
		fn(v->name, v->value, v->exported, ctx);
	}
	free(names);
	free(all);
}

char **var_names(const char *prefix)
{
	lazy_materialize();
	size_t pl = strlen(prefix), n = 0;
	char **out = xcalloc(env_count + 1, sizeof *out);
	for (int i = 0; i < NBUCKETS; i++)
		for (struct var *v = buckets[i]; v; v = v->next)
			if (strncmp(v->name, prefix, pl) == 0)
				out[n++] = xstrdup(v->name);
	out[n] = NULL;
	qsort(out, n, sizeof *out, cmp_str);
	return out;
}

void params_set(char **argv, int n)
{
	for (int i = 0; i < sh.nparams; i++)
		free(sh.params[i]);
	free(sh.params);
	sh.params = xcalloc((size_t)n + 1, sizeof *sh.params);
	for (int i = 0; i < n; i++)
		sh.params[i] = xstrdup(argv[i]);
	sh.nparams = n;
}
