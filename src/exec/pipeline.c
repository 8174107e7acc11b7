/* pipeline.c — one pipeline from words to running processes.
 *
 *   expand   every stage's words, assignments, redirection targets
 *   prepare  every edge through its transport ops (nothing runs yet: a
 *            missing resource fails the pipeline here, status 1)
 *   spawn    stages (posix_spawn for programs; fork for built-ins and
 *            remote stages) and relays (fork), all in the job's group
 *   release  the parent's copies of every edge fd
 *   wait     in the foreground, or leave it as a background job
 */
#include "pipeline.h"
#include "outthread.h"
#include "pipestatus.h"
#include "runner.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../builtin/builtin.h"
#include "../job/job.h"
#include "../job/sig.h"
#include "../remote/remote.h"
#include "expand.h"
#include "flow.h"
#include "limits.h"
#include "procsub.h"
#include "redir.h"
#include "shell.h"
#include "stats.h"

/* ---- command lookup ---------------------------------------------------- */

/* Resolve a command name: 0 and *path, or 126/127 after a message. */
/* Why a program cannot run, kept in *why (said when the stage runs, to
 * its stderr); returns status. */
__attribute__((format(printf, 4, 5)))
static int say(struct arena *a, const char **why, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	*why = arena_strdup(a, buf);
	return status;
}

static int lookup(struct arena *a, const char *name, const char **path, const char **why)
{
	struct stat st;
	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			return say(a, why, 127, "%s: %s", name, strerror(errno));
		if (S_ISDIR(st.st_mode))
			return say(a, why, 126, "%s: Is a directory", name);
		if (access(name, X_OK) < 0)
			return say(a, why, 126, "%s: %s", name, strerror(errno));
		*path = name;
		return 0;
	}
	char *denied = NULL;
	char *found = path_search(name, true, &denied);
	if (found) {
		*path = arena_strdup(a, found);
		free(found);
		return 0;
	}
	if (denied) {
		int st126 = say(a, why, 126, "%s: Permission denied", denied);
		free(denied);
		return st126;
	}
	size_t n = strlen(name);
	if (n > 2 && name[0] == '[' && name[n - 1] == ']') /* `a | [shm] b` */
		return say(a, why, 127, "%s: command not found (an edge is written |%s, without a space)",
			   name, name);
	return say(a, why, 127, "%s: command not found", name);
}

/* POSIX's special built-ins other than the flow ones: found before
 * functions, so a function cannot hide them. */
static bool is_special_builtin(const char *name)
{
	static const char *const names[] = {":", "export", "readonly", "set", "shift", "times",
					    "trap", "unset"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* `command -p`: search the standard PATH (confstr) instead of $PATH. */
static int lookup_std(struct arena *a, const char *name, const char **path, const char **why)
{
	if (strchr(name, '/'))
		return lookup(a, name, path, why);
	char dirs[1024];
	size_t n = confstr(_CS_PATH, dirs, sizeof dirs);
	if (n == 0 || n > sizeof dirs)
		snprintf(dirs, sizeof dirs, "/bin:/usr/bin");
	for (char *d = dirs, *end; d; d = end ? end + 1 : NULL) {
		end = strchr(d, ':');
		if (end)
			*end = '\0';
		char *p = xasprintf("%s/%s", *d ? d : ".", name);
		bool ok = access(p, X_OK) == 0;
		if (ok)
			*path = arena_strdup(a, p);
		free(p);
		if (ok)
			return 0;
	}
	return say(a, why, 127, "%s: command not found", name);
}

/* ---- a built-in's NAME=value prefixes ------------------------------------ */

/* A built-in sees the assignments written before it as shell variables
 * (IFS=: read a b): set for its run, then put back (sv NULL: a forked
 * child, which keeps them). */
struct saved_var {
	char *name, *value;
	bool was_set;
};

static void builtin_assign(const char *pair, struct saved_var *sv)
{
	const char *eq = strchr(pair, '=');
	char *name = xstrndup(pair, (size_t)(eq - pair));
	if (sv) {
		const char *old = var_get(name);
		sv->name = name;
		sv->value = old ? xstrdup(old) : NULL;
		sv->was_set = old != NULL;
	}
	if (var_set(name, eq + 1, 0) < 0) { /* readonly: the message is printed */ }
	if (!sv)
		free(name);
}

static void builtin_unassign(struct saved_var *sv)
{
	if (var_readonly(sv->name)) { /* made readonly meanwhile: leave it */
	} else if (sv->was_set) {
		if (var_set(sv->name, sv->value, 0) < 0) { /* not readonly */ }
	} else if (var_unset(sv->name) < 0) { /* idem */
	}
	free(sv->name);
	free(sv->value);
}

/* ---- expansion --------------------------------------------------------- */

/* Expand a stage's words. assign_now (a command of assignments only): set
 * each variable as soon as it is expanded, so that `a=1 b=$a` sees the new
 * a, as in sh. */
int stage_expand(struct run *r, struct rstage *s, bool assign_now)
{
	const struct ast_cmd *as = s->ast;
	sh.cmdsub_status = 0;
	/* The words first, then the assignments in order, each visible to
	 * the ones after it (`A=1 B=$A cmd`) and, unless they are all there
	 * is, taken back when the expansion is done: the command gets them
	 * in its environment (s->assigns). */
	bool declaration = false;
	for (size_t i = 0; i < as->nwords; i++) {
		/* The NAME=value arguments of export, readonly and local are
		 * assignments (POSIX 2024 "declaration utilities"): expanded
		 * as one word each, never split or globbed. */
		const struct word *w = as->words[i];
		size_t eq = declaration ? name_prefix(w->raw) : 0;
		if (eq && w->raw[eq] == '+') /* NAME+=value (bash) */
			eq++;
		if (eq && w->raw[eq] == '=') {
			char *pair = expand_word_single(&r->a, w);
			if (!pair)
				return -1;
			strvec_push(&r->a, &s->argv, pair);
			continue;
		}
		if (expand_word_fields(&r->a, w, &s->argv) < 0)
			return -1;
		if (i == 0 && s->argv.n)
			declaration = strcmp(s->argv.v[0], "export") == 0 ||
				      strcmp(s->argv.v[0], "readonly") == 0 ||
				      strcmp(s->argv.v[0], "local") == 0;
	}
	if (as->remote && !(s->remote = expand_single(&r->a, as->remote)))
		return -1;
	size_t mark = !assign_now && as->nassigns ? var_journal_begin() : 0;
	int rc = 0;
	for (size_t i = 0; i < as->nassigns && rc == 0; i++) {
		/* NAME=value, parsed as one word: the name is plain text. */
		char *pair = expand_word_single(&r->a, as->assigns[i]);
		char *eq = pair ? strchr(pair, '=') : NULL;
		if (!eq) {
			rc = -1;
			break;
		}
		if (eq > pair && eq[-1] == '+') {
			/* NAME+=value (bash): appended to NAME's value; from
			 * here on a plain NAME=value. */
			eq[-1] = '\0';
			const char *old = var_get(pair);
			size_t nl = strlen(pair), ol = old ? strlen(old) : 0, vl = strlen(eq + 1);
			char *joined = arena_alloc(&r->a, nl + 1 + ol + vl + 1);
			memcpy(joined, pair, nl);
			joined[nl] = '=';
			memcpy(joined + nl + 1, old ? old : "", ol);
			memcpy(joined + nl + 1 + ol, eq + 1, vl + 1);
			pair = joined;
			eq = pair + nl;
		}
		*eq = '\0';
		int set = var_set(pair, eq + 1, 0);
		*eq = '=';
		if (set < 0) {
			rc = -1;
			break;
		}
		strvec_push(&r->a, &s->assigns, pair);
	}
	if (!assign_now && as->nassigns)
		var_journal_rollback(mark);
	s->cmdsub = sh.cmdsub_status;
	return rc;
}

static void trace(struct run *r)
{
	struct strbuf sb = {0};
	const char *ps4 = var_get("PS4");
	sb_adds(&sb, ps4 ? ps4 : "+ ");
	for (size_t i = 0; i < r->n; i++) {
		struct rstage *s = &r->st[i];
		if (i) {
			struct redge *e = &r->ed[i - 1];
			sb_addf(&sb, " |[%s%s%s] ", transport_name(e->e.spec.kind), e->e.actual[0] ? ":" : "",
				e->e.actual);
		}
		if (s->remote)
			sb_addf(&sb, "@%s ", s->remote);
		if (s->ast->kind != CMD_SIMPLE) {
			/* A compound stage: its first line; what runs inside is
			 * traced as it runs. */
			const char *t = s->ast->text ? s->ast->text : "";
			const char *nl = strchr(t, '\n');
			sb_addf(&sb, "%.*s%s", nl ? (int)(nl - t) : (int)strlen(t), t, nl ? " ..." : "");
		}
		for (size_t j = 0; j < s->assigns.n; j++) {
			sb_add_shquoted(&sb, s->assigns.v[j]);
			sb_addc(&sb, ' ');
		}
		for (size_t j = 0; j < s->argv.n; j++) {
			if (j)
				sb_addc(&sb, ' ');
			sb_add_shquoted(&sb, s->argv.v[j]);
		}
	}
	sb_addc(&sb, '\n');
	procsub_trace(r, ps4 ? ps4 : "+ ", &sb);
	if (write_all(2, sb.buf, sb.len) < 0) { /* stderr gone */ }
	sb_free(&sb);
}

/* ---- edges --------------------------------------------------------------- */

/* Close ipcsh's copies of the pipes between an edge's object and its
 * stages and relays; the object stays. */
static void redge_close_pipes(struct redge *e)
{
	int *fds[] = {&e->relay_in_fd, &e->relay_out_fd, &e->count_in, &e->count_out};
	for (size_t k = 0; k < ARRAY_LEN(fds); k++) {
		/* A counting relay's transport end is the transport's to close. */
		if (*fds[k] >= 0 && *fds[k] != e->e.wfd && *fds[k] != e->e.rfd)
			close(*fds[k]);
		*fds[k] = -1;
	}
	/* prod_fd/cons_fd are either the transport's (released below) or ours. */
	if (e->prod_fd >= 0 && e->prod_fd != e->e.wfd)
		close(e->prod_fd);
	if (e->cons_fd >= 0 && e->cons_fd != e->e.rfd)
		close(e->cons_fd);
	e->prod_fd = e->cons_fd = -1;
	pipe_budget_release(e->budget[0] + e->budget[1]);
	e->budget[0] = e->budget[1] = 0;
}

void redge_release(struct redge *e)
{
	redge_close_pipes(e);
	if (e->prepared && e->e.ops->release)
		e->e.ops->release(&e->e);
	e->released |= e->prepared;
	e->prepared = false;
}

static void edges_release(struct run *r)
{
	for (size_t i = 0; i + 1 < r->n; i++)
		redge_release(&r->ed[i]);
	procsub_release(r);
}

/* An fd that a "/dev/fd/N" path cannot stand for: a socket (open fails)
 * or a named FIFO (open waits for a peer that may be gone). */
static bool path_unsafe(int fd)
{
	struct stat stt;
	struct statfs sfs;
	if (fd < 0 || fstat(fd, &stt) < 0)
		return false;
	return S_ISSOCK(stt.st_mode) ||
	       (S_ISFIFO(stt.st_mode) && fstatfs(fd, &sfs) == 0 && sfs.f_type != PIPEFS_MAGIC);
}

int redge_prepare(struct redge *e, const struct edge_spec *sp, int index, struct edge_stats *st,
		  int pipe_side)
{
	e->e.index = index;
	e->e.spec = *sp;
	e->e.ops = transport_ops_for(e->e.spec.kind);
	e->e.rfd = e->e.wfd = -1;
	e->e.stats = st;
	e->e.want_stats = sh.stats != STATS_NONE;
	e->prod_fd = e->cons_fd = e->relay_in_fd = e->relay_out_fd = e->count_in = e->count_out = -1;
	char ends[64];
	edge_ends(&e->e, ends, sizeof ends);
	if (!e->e.ops) {
		msg_err("edge %s: transport '%s' is not available in this build", ends,
			transport_name(e->e.spec.kind));
		return -1;
	}
	struct errbuf err = {{0}};
	errno = 0;
	if (e->e.ops->prepare(&e->e, &err) < 0) {
		char note[96];
		msg_err("%s%s", err.msg[0] ? err.msg : "cannot prepare edge",
			limit_fd_note(errno, note, sizeof note));
		return -1;
	}
	e->prepared = true;
	/* A side whose end is opened by a /dev/fd path gets a pipe, with the
	 * counting relay between it and a socket or named FIFO. */
	bool plain = e->e.spec.kind == EDGE_PIPE; /* its ends are pipes: nothing to ask */
	bool sock_w = pipe_side == 0 && !plain && !e->e.ops->relay_in && path_unsafe(e->e.wfd);
	bool sock_r = pipe_side == 1 && !plain && !e->e.ops->relay_out && path_unsafe(e->e.rfd);
	int p[2];
	e->direct_in = e->direct_in && e->e.ops->write_in;
	if (e->e.ops->relay_in && !e->direct_in) {
		if (pipe_make(p, 1u << 20, &e->budget[0]) < 0)
			goto pipe_fail;
		e->prod_fd = p[1];
		e->relay_in_fd = p[0];
		if (e->e.ops->stage_pipe && !e->no_handover[0])
			e->e.ops->stage_pipe(&e->e, 0, p[1]);
	} else if (sock_w || (e->e.want_stats && !e->e.ops->relay_out &&
				e->e.ops->count_at_producer && !sock_r)) {
		/* producer -> pipe -> counting relay -> the object -> consumer */
		if (pipe_make(p, 1u << 20, &e->budget[0]) < 0)
			goto pipe_fail;
		e->prod_fd = p[1];
		e->count_in = p[0];
		e->count_out = e->e.wfd;
		e->cons_fd = e->e.rfd;
		e->count_producer = true;
		return 0;
	} else {
		e->prod_fd = e->e.wfd;
	}
	if (e->e.ops->relay_out || e->e.want_stats || sock_r) {
		/* A built-in reads its stdin a line or a block at a time: the
		 * default pipe serves it as well as 1 MiB would. */
		bool builtin = e->e.ops->relay_out && e->no_handover[1];
		if (pipe_make(p, builtin ? 0 : 1u << 20, &e->budget[1]) < 0)
			goto pipe_fail;
		e->cons_fd = p[0];
		if (e->e.ops->relay_out) {
			e->relay_out_fd = p[1];
			if (e->e.ops->stage_pipe && !e->no_handover[1])
				e->e.ops->stage_pipe(&e->e, 1, p[0]);
		} else {
			e->count_in = e->e.rfd;
			e->count_out = p[1];
		}
	} else {
		e->cons_fd = e->e.rfd;
	}
	return 0;
pipe_fail:;
	int en = errno;
	char note[96];
	msg_err("edge %s (%s): cannot create relay pipe: %s%s", ends, transport_name(e->e.spec.kind),
		strerror(en), limit_fd_note(en, note, sizeof note));
	return -1;
}

/* Could a program linked with libipcsh be at this stage's end of an edge:
 * anything but a built-in (a compound stage or a function may run one),
 * or a stage that does not start at all? */
static bool may_take_ring(const struct rstage *s)
{
	return s->preset < 0 && s->kind != SK_BUILTIN && s->kind != SK_NONE && s->kind != SK_NOTFOUND;
}

/* Can the edge's relay_out run as a thread of its consumer stage s
 * (outthread.c) rather than as a process: s is a forked ipcsh (a built-in,
 * a function, a compound command) and nothing counts the relay's bytes. */
static bool out_thread_ok(const struct redge *e, const struct rstage *s)
{
	return e->relay_out_fd >= 0 && e->e.ops->out_thread && !e->e.want_stats && s->preset < 0 &&
	       !s->in_shell &&
	       (s->kind == SK_BUILTIN || s->kind == SK_FLOW || s->kind == SK_FUNC || s->kind == SK_COMPOUND);
}

static int edges_prepare(struct run *r)
{
	/* Counters shared with the relays, under --stats only (a map and an
	 * unmap per pipeline otherwise). */
	if (r->n > 1 && sh.stats != STATS_NONE) {
		r->stats = mmap(NULL, (r->n - 1) * sizeof *r->stats, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (r->stats == MAP_FAILED) {
			r->stats = NULL;
			msg_errno("cannot map edge statistics");
			return -1;
		}
	}
	/* A for or case stage hosting substitutions in its own words runs
	 * them in its forked child: their statuses come back here. */
	for (size_t i = 0; r->n > 1 && !r->child_words && i < r->n; i++)
		if (r->st[i].kind == SK_COMPOUND && r->st[i].preset < 0 && compound_word_procsubs(r->st[i].ast) > 0) {
			void *m = mmap(NULL, r->n * CHILD_WORDS_LEN, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED) {
				msg_errno("cannot map the statuses of a stage's substitutions");
				return -1;
			}
			r->child_words = m;
			r->child_words_shared = true;
		}
	if (r->n > 1)
		r->ed[0].direct_in = r->st[0].in_shell;
	for (size_t i = 0; i + 1 < r->n; i++) {
		const struct edge_spec *sp = &r->p->edges[i];
		/* Only a program can ask for a ring (libipcsh): a built-in's
		 * side needs no hand-over listener. */
		r->ed[i].no_handover[0] = !may_take_ring(&r->st[i]);
		r->ed[i].no_handover[1] = !may_take_ring(&r->st[i + 1]);
		if (redge_prepare(&r->ed[i], sp->dflt ? &sh.dflt_edge : sp, (int)i + 1,
				  r->stats ? &r->stats[i] : NULL, -1) < 0)
			return -1;
	}
	for (size_t i = 0; i + 1 < r->n; i++)
		r->ed[i].out_thread = out_thread_ok(&r->ed[i], &r->st[i + 1]);
	for (size_t i = 0; i < r->n; i++) {
		r->st[i].in_fd = i > 0 ? r->ed[i - 1].cons_fd : -1;
		r->st[i].out_fd = i + 1 < r->n ? r->ed[i].prod_fd : -1;
	}
	return 0;
}

/* ---- what outlives pipeline_run: edges whose transports want to hear
 * about the consumer's exit and the pipeline's end ------------------------ */

struct kept_edges;

/* The consumer node whose exit a process's on_exit reports. */
struct kept_hook {
	struct kept_edges *k;
	int node;
};

struct kept_edges {
	size_t n;
	int *cons;                /* the consumer node of each edge */
	struct kept_hook *hooks;  /* one per edge (the first edge of each consumer is used) */
	struct edge e[];
};

static void kept_edges_finish(void *ctx)
{
	struct kept_edges *k = ctx;
	for (size_t i = 0; i < k->n; i++)
		if (k->e[i].ops && k->e[i].ops->finish)
			k->e[i].ops->finish(&k->e[i]);
	free(k->cons);
	free(k->hooks);
	free(k);
}

/* A consumer has exited: tell every edge it consumed (a command may read
 * several substitutions). */
static void kept_edge_consumer_exit(void *ctx)
{
	struct kept_hook *h = ctx;
	for (size_t i = 0; i < h->k->n; i++) {
		struct edge *e = &h->k->e[i];
		if (h->k->cons[i] == h->node && e->ops && e->ops->consumer_exit)
			e->ops->consumer_exit(e);
	}
}

/* Every edge of the job, index 1..: the pipeline's, then the
 * substitutions' (runner.h), with the nodes at its two ends. */
static size_t edge_count(const struct run *r)
{
	return r->n - 1 + r->nsubs;
}

static struct redge *edge_at(struct run *r, int index, int *prod, int *cons)
{
	if (index < (int)r->n) {
		*prod = index - 1;
		*cons = index;
		return &r->ed[index - 1];
	}
	return procsub_edge(r, index, prod, cons);
}

/* The process running node idx, or NULL. */
static struct proc *node_proc(struct job *j, int idx)
{
	for (size_t p = 0; p < j->nprocs; p++)
		if (j->procs[p].role == ROLE_STAGE && j->procs[p].index == idx)
			return &j->procs[p];
	return NULL;
}

/* Keep a copy of the released edges with the job, and hook the consumers. */
static void edges_keep(struct run *r)
{
	size_t ne = edge_count(r);
	bool any = false;
	int prod, cons;
	for (size_t i = 1; i <= ne; i++) {
		const struct redge *e = edge_at(r, (int)i, &prod, &cons);
		any |= e->e.ops && (e->e.ops->finish || e->e.ops->consumer_exit);
	}
	if (!any)
		return;
	struct kept_edges *k = xcalloc(1, sizeof *k + ne * sizeof k->e[0]);
	k->n = ne;
	k->cons = xcalloc(ne, sizeof *k->cons);
	k->hooks = xcalloc(ne, sizeof *k->hooks);
	for (size_t i = 0; i < ne; i++) {
		struct redge *re = edge_at(r, (int)i + 1, &prod, &cons);
		k->e[i] = re->e;
		k->cons[i] = cons;
		k->e[i].stats = NULL; /* the shared page is unmapped when pipeline_run returns */
		/* Who writes into the object: the producer, or the counting relay
		 * that --stats put on the producer's side. */
		for (size_t p = 0; p < r->job->nprocs; p++) {
			const struct proc *pr = &r->job->procs[p];
			if (re->count_producer ? pr->role == ROLE_RELAY && pr->index == (int)i + 1
					       : pr->role == ROLE_STAGE && pr->index == prod)
				k->e[i].producer_pid = pr->pid;
		}
	}
	for (size_t i = 0; i < ne; i++) {
		struct edge *e = &k->e[i];
		if (!e->ops || !e->ops->consumer_exit)
			continue;
		struct proc *pr = node_proc(r->job, k->cons[i]);
		if (pr && pr->state != PROC_DONE) {
			if (!pr->on_exit) {
				k->hooks[i] = (struct kept_hook){k, k->cons[i]};
				pr->on_exit = kept_edge_consumer_exit;
				pr->ctx = &k->hooks[i];
			}
		} else {
			e->ops->consumer_exit(e); /* the consumer never started, or is gone */
		}
	}
	r->job->cleanup = kept_edges_finish;
	r->job->cleanup_ctx = k;
}

/* ---- process creation ---------------------------------------------------- */

/* The CPUs ipcsh may run on, as near_begin found them. */
static cpu_set_t near_mask;

/* shell_fork's `near`: the child about to be forked is the only process
 * that ipcsh waits for doing nothing else (`echo "$i" |[shm] read -r v`, a
 * subshell, a command substitution, whose output is all ipcsh reads):
 * let it start on ipcsh's CPU, which ipcsh leaves idle, rather than on
 * another one. On a free CPU elsewhere the child runs cache-cold and its
 * exit wakes ipcsh across CPUs: measured on 2 vCPUs, such a child ran
 * 0.82 ms there against 0.25 ms here (perf sched timehist). The child gets
 * the whole mask back at once (near_end), so the scheduler may still move
 * it. Returns true if the mask was narrowed. */
static bool near_begin(void)
{
	/* Asked each time: someone may have changed it (taskset -p). */
	if (sched_getaffinity(0, sizeof near_mask, &near_mask) < 0)
		return false;
	int cpu = sched_getcpu();
	if (cpu < 0 || !CPU_ISSET(cpu, &near_mask) || CPU_COUNT(&near_mask) < 2)
		return false;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof one, &one) == 0;
}

static void near_end(void)
{
	if (sched_setaffinity(0, sizeof near_mask, &near_mask) < 0) {
		/* The mask cannot have become invalid: it is the one we had. */
	}
}

pid_t shell_fork(pid_t pgid, bool foreground, bool near)
{
	sigset_t old;
	fflush(NULL);
	sig_block_all(&old);
	near = near && near_begin();
	pid_t pid = fork();
	int e = errno;
	if (near)
		near_end(); /* both sides */
	if (pid < 0) {
		sig_restore(&old);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		if (sh.jobctl) {
			setpgid(0, pgid);
			if (foreground && sh.tty >= 0 && pgid == 0)
				tcsetpgrp(sh.tty, getpgrp());
		}
		sig_child_reset();
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		sh.in_subshell = true;
		procsub_forget();
		out_thread_forget();
		sh.jobctl = false;
		sh.interactive = false;
		job_forget_all();
		/* POSIX: a subshell resets the traps it inherits (ignored
		 * signals stay ignored); a trap it sets itself runs there. */
		for (int sg = 0; sg < NSIG; sg++)
			if (sh.traps[sg] && *sh.traps[sg]) {
				free(sh.traps[sg]);
				sh.traps[sg] = NULL;
			}
		return 0;
	}
	if (sh.jobctl)
		setpgid(pid, pgid ? pgid : pid); /* both sides, to close the race */
	sig_restore(&old);
	return pid;
}

static void note_proc(struct run *r, pid_t pid, enum proc_role role, int index)
{
	if (!r->pgid && sh.jobctl)
		r->pgid = pid;
	job_add_proc(r->job, pid, role, index);
}

/* A forked internal process: wire fds, keep only what it needs. */
static pid_t fork_internal(struct run *r)
{
	fd_snapshot(); /* for the child's fd_close_cloexec_except */
	pid_t pid = shell_fork(r->pgid, r->fg, r->near);
	if (pid != 0)
		fd_snapshot_drop();
	if (pid > 0)
		note_proc(r, pid, ROLE_STAGE, -1);
	return pid;
}

static _Noreturn void child_exit(int status)
{
	fflush(NULL);
	_exit(status & 0xff);
}

void spawn_relay(struct run *r, struct redge *e, int side)
{
	pid_t pid = fork_internal(r);
	if (pid < 0) {
		char ends[64];
		edge_ends(&e->e, ends, sizeof ends);
		msg_errno("edge %s: cannot start relay", ends);
		return;
	}
	if (pid > 0) {
		r->job->procs[r->job->nprocs - 1].role = ROLE_RELAY;
		r->job->procs[r->job->nprocs - 1].index = e->e.index;
		return;
	}
	int keep[16];
	int nk = 0;
	int fd = side == 0 ? e->relay_in_fd : side == 1 ? e->relay_out_fd : e->count_in;
	keep[nk++] = fd;
	if (side == 2)
		keep[nk++] = e->count_out;
	else if (e->e.ops->relay_fds)
		nk += e->e.ops->relay_fds(&e->e, side, keep + nk, (int)ARRAY_LEN(keep) - nk);
	fd_close_cloexec_except(keep, (size_t)nk);
	signal(SIGPIPE, SIG_DFL);
	if (side == 0)
		child_exit(e->e.ops->relay_in(&e->e, fd));
	if (side == 1)
		child_exit(e->e.ops->relay_out(&e->e, fd));
	char what[96], ends[64];
	edge_ends(&e->e, ends, sizeof ends);
	snprintf(what, sizeof what, "edge %s (%s)", ends, transport_name(e->e.spec.kind));
	child_exit(relay_count(e->count_in, e->count_out, e->e.stats, what));
}

/* The edge into stage s (node idx) whose relay_out runs in s, or NULL. */
static struct redge *stage_thread_edge(struct run *r, const struct rstage *s, int idx)
{
	struct redge *in = idx > 0 && (size_t)idx < r->n && s == &r->st[idx] ? &r->ed[idx - 1] : NULL;
	return in && in->out_thread ? in : NULL;
}

/* In the forked consumer stage of e, while the stage's pipe is its fd 0
 * (before its redirections: a write can meet no EPIPE, which would be a
 * SIGPIPE here): `echo x |[shm] read v` has the stream whole in the object
 * already (first_start wrote it and ended it): move it, and no thread will
 * run. At most what the empty pipe takes (a pipe past the user's budget
 * holds 8 KiB), at most 64 KiB. */
static void stage_relay_try(struct redge *e)
{
	int room = e->e.ops->relay_out_try ? fcntl(e->relay_out_fd, F_GETPIPE_SZ) : -1;
	e->tried = room > 0 ? e->e.ops->relay_out_try(&e->e, e->relay_out_fd,
						      room < 65536 ? (size_t)room : 65536) : 0;
}

/* In the forked consumer stage of e: keep what its relay_out needs, and
 * run it as a thread (outthread.c) unless relay_out_try moved the whole
 * stream already; when no thread can start, as a forked process of the
 * stage (not waited for: init reaps it once the stage is gone). */
static void stage_relay_thread(struct redge *e)
{
	int keep[17];
	int nk = 0;
	keep[nk++] = e->relay_out_fd;
	if (e->e.ops->relay_fds)
		nk += e->e.ops->relay_fds(&e->e, 1, keep + nk, (int)ARRAY_LEN(keep) - 1 - nk);
	int err_fd = out_thread_stderr(); /* the thread's, closed by outthread.c */
	keep[nk] = err_fd;
	fd_close_cloexec_except(keep, (size_t)nk + (err_fd >= 0));
	if (!e->tried) {
		if (out_thread_start(&e->e, e->relay_out_fd))
			return;
		pid_t pid = fork();
		if (pid == 0) {
			signal(SIGPIPE, SIG_DFL);
			child_exit(e->e.ops->relay_out(&e->e, e->relay_out_fd));
		}
		if (pid < 0)
			msg_errno("cannot start a relay");
	}
	for (int i = 0; i < nk; i++)
		close(keep[i]);
	if (e->tried < 0)
		child_exit(1);
}

/* Fork a stage that needs ipcsh code before (or instead of) an exec: a
 * built-in, a remote-stage client, or a program whose redirections must be
 * opened in the child. Returns false in ipcsh (the child is recorded in the
 * job, or the stage failed with fail_status); true in the child, with fds 0
 * and 1 and the redirections in place. */
static bool fork_stage(struct run *r, struct rstage *s, int idx, int fail_status)
{
	pid_t pid = fork_internal(r);
	if (pid < 0) {
		msg_errno("%s: cannot fork", s->argv.n ? s->argv.v[0] : "stage");
		job_set_stage_status(r->job, idx, fail_status);
		s->preset = fail_status;
		return false;
	}
	if (pid > 0) {
		r->job->procs[r->job->nprocs - 1].index = idx;
		return false;
	}
	if ((s->in_fd >= 0 && dup2(s->in_fd, 0) < 0) || (s->out_fd >= 0 && dup2(s->out_fd, 1) < 0))
		child_exit(1);
	struct redge *in = stage_thread_edge(r, s, idx);
	if (in)
		stage_relay_try(in);
	if (in && !in->tried)
		out_thread_keep_stderr();
	if (fdacts_apply(&s->fa) < 0)
		child_exit(1);
	procsub_child_keep(r, idx);
	sh.stage_cmd = s->ast;
	sh.stage_node = s->node;
	sh.stage_words = r->child_words ? r->child_words + (size_t)idx * CHILD_WORDS_LEN : NULL;
	return true;
}

/* Run what an internal stage is, in this process: ipcsh for a lone
 * stage in the foreground, a forked child otherwise. The redirections and
 * NAME=value prefixes are the caller's to apply. */
static struct xs run_here(const struct rstage *s, unsigned flags)
{
	switch (s->kind) {
	case SK_FLOW: return s->flow->fn((int)s->argv.n, s->argv.v);
	case SK_FUNC: return func_call(s->fn, (int)s->argv.n, s->argv.v, flags & ~(unsigned)EV_LAST);
	case SK_COMPOUND:
		/* In a forked child a subshell is already one. */
		if (s->ast->kind == CMD_SUBSHELL && sh.in_subshell && !s->fg_here)
			return exec_list(s->ast->u.body, flags);
		return exec_compound(s->ast, flags);
	/* Words that expanded to nothing: POSIX 2.9.1, the status of the
	 * last command substitution (`$e $(exit 3)` is 3). */
	case SK_NONE: return XS(s->cmdsub);
	case SK_NOTFOUND: msg_err("%s", s->why); return XS(s->why_status);
	default: return XS(s->bi->fn((int)s->argv.n, s->argv.v));
	}
}

/* Run a built-in, a function, a compound command or a remote stage in a
 * forked child. */
static void spawn_internal(struct run *r, struct rstage *s, int idx)
{
	if (!fork_stage(r, s, idx, 1))
		return;
	struct redge *in = stage_thread_edge(r, s, idx);
	if (in)
		stage_relay_thread(in);
	else
		fd_close_cloexec_except(NULL, 0);
	if (s->kind == SK_REMOTE) {
		struct remote_stage rs = {
			.target = s->remote,
			.argv = s->argv.v,
			.assigns = s->assigns.v ? s->assigns.v : (char *[]){NULL},
			.keyfile = sh.keyfile,
			.accept_new_host = sh.accept_new_host,
			.trace = sh.opt_x,
		};
		int st = remote_stage_run(&rs);
		if (st == 128 + SIGINT) {
			/* The remote command was interrupted: end as an
			 * interrupted local stage does, so the shell sees the
			 * signal (and ends the ^C line). */
			fflush(NULL);
			signal(SIGINT, SIG_DFL);
			raise(SIGINT);
		}
		child_exit(st);
	}
	for (size_t i = 0; i < s->assigns.n; i++)
		builtin_assign(s->assigns.v[i], NULL);
	/* The stage is the last thing this process runs: the tail of a
	 * compound stage may exec in place (EV_LAST). */
	struct xs x = run_here(s, r->flags | EV_LAST);
	shell_exit(x.status);
}

static bool has_child_open(const struct fdacts *fa)
{
	for (size_t i = 0; i < fa->n; i++)
		if (fa->v[i].op == FA_OPEN)
			return true;
	return false;
}

/* A program whose redirections include a FIFO: the open may block until
 * the FIFO's peer comes, and posix_spawn would block ipcsh with it, so
 * fork, open in the child, then exec. */
static void spawn_exec_forked(struct run *r, struct rstage *s, int idx)
{
	char **env = var_environ(s->assigns.v);
	if (!fork_stage(r, s, idx, 126))
		return;
	execve(s->path, s->argv.v, env);
	int e = errno;
	msg_errno("%s", s->argv.v[0]);
	child_exit(e == ENOENT ? 127 : 126);
}

/* The system-call part of starting a program with posix_spawn. It writes
 * nothing shared (no job table, no arena), so two threads may run it at
 * once. Returns 0 with *pid, or an errno value. */
static int exec_start(const struct run *r, const struct rstage *s, char **env, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &r->child_dflt);
	if (sh.jobctl) {
		flags |= POSIX_SPAWN_SETPGROUP;
		posix_spawnattr_setpgroup(&at, r->pgid);
		if (!r->pgid && r->fg && sh.tty >= 0)
			posix_spawn_file_actions_addtcsetpgrp_np(&fa, sh.tty);
	}
	posix_spawnattr_setflags(&at, flags);
	if (s->in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, s->in_fd, 0);
	if (s->out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, s->out_fd, 1);
	int err = fdacts_to_spawn(&s->fa, &fa) < 0 ? errno : 0;
	procsub_spawn_actions(r, s->node, &fa);
	*pid = -1;
	if (!err)
		err = posix_spawn(pid, s->path, &fa, &at, s->argv.v, env);
	if (err == ENOEXEC) {
		/* A script without #!: run it with /bin/sh, as shells do. */
		char **av = xcalloc(s->argv.n + 2, sizeof *av);
		av[0] = "sh";
		av[1] = (char *)s->path;
		for (size_t i = 1; i < s->argv.n; i++)
			av[i + 1] = s->argv.v[i];
		err = posix_spawn(pid, "/bin/sh", &fa, &at, av, env);
		free(av);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return err;
}

/* Record the outcome of exec_start (ipcsh's main thread only). */
static void exec_record(struct run *r, struct rstage *s, int idx, int err, pid_t pid)
{
	if (err) {
		errno = err;
		msg_errno("%s", s->argv.v[0]);
		job_set_stage_status(r->job, idx, err == ENOENT ? 127 : 126);
		s->preset = err == ENOENT ? 127 : 126;
		return;
	}
	note_proc(r, pid, ROLE_STAGE, idx);
	if (sh.jobctl)
		setpgid(pid, r->pgid ? r->pgid : pid);
}

static void spawn_exec(struct run *r, struct rstage *s, int idx)
{
	if (has_child_open(&s->fa)) {
		spawn_exec_forked(r, s, idx);
		return;
	}
	pid_t pid;
	int err = exec_start(r, s, var_environ(s->assigns.v), &pid);
	exec_record(r, s, idx, err, pid);
}

/* Many programs at once: posix_spawn returns only once its child has
 * exec'd, so starting them one by one serialises fifty execs that a forking
 * shell overlaps. A second thread starts half of them, so two execs are in
 * flight on two CPUs. Everything shared is prepared before and recorded
 * after, in the main thread; nothing forks while the thread runs. */
#define PAR_SPAWN_MIN 8

struct par_spawn {
	const struct run *r;
	struct rstage **st;
	char ***env;
	int *err;
	pid_t *pid;
	size_t from, to;
};

static void *par_spawn_run(void *arg)
{
	struct par_spawn *ps = arg;
	for (size_t k = ps->from; k < ps->to; k++)
		ps->err[k] = exec_start(ps->r, ps->st[k], ps->env[k], &ps->pid[k]);
	return NULL;
}

/* Start the plain programs among stages [first, n) (those with no FIFO to
 * open and not already failed); mark them started in done[]. */
static void spawn_exec_parallel(struct run *r, size_t first, bool *done)
{
	size_t m = 0;
	for (size_t i = first; i < r->n; i++)
		m += r->st[i].preset < 0 && r->st[i].kind == SK_EXEC && !has_child_open(&r->st[i].fa);
	if (m < PAR_SPAWN_MIN)
		return;
	struct par_spawn ps = {.r = r};
	ps.st = arena_alloc(&r->a, m * sizeof *ps.st);
	ps.env = arena_alloc(&r->a, m * sizeof *ps.env);
	ps.err = arena_alloc(&r->a, m * sizeof *ps.err);
	ps.pid = arena_alloc(&r->a, m * sizeof *ps.pid);
	size_t *idx = arena_alloc(&r->a, m * sizeof *idx);
	size_t k = 0;
	for (size_t i = first; i < r->n; i++) {
		struct rstage *s = &r->st[i];
		if (!(s->preset < 0 && s->kind == SK_EXEC && !has_child_open(&s->fa)))
			continue;
		/* var_environ's array is rebuilt by the next call: keep a copy. */
		char **env = var_environ(s->assigns.v);
		size_t ne = 0;
		while (env[ne])
			ne++;
		ps.env[k] = arena_alloc(&r->a, (ne + 1) * sizeof(char *));
		memcpy(ps.env[k], env, (ne + 1) * sizeof(char *));
		ps.st[k] = s;
		idx[k++] = i;
	}
	ps.from = m / 2;
	ps.to = m;
	pthread_t t;
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* the thread takes no signal */
	bool threaded = pthread_create(&t, NULL, par_spawn_run, &ps) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	struct par_spawn mine = ps;
	mine.from = 0;
	mine.to = threaded ? m / 2 : m;
	par_spawn_run(&mine);
	if (threaded)
		pthread_join(t, NULL);
	for (k = 0; k < m; k++) {
		exec_record(r, ps.st[k], (int)idx[k], ps.err[k], ps.pid[k]);
		fdacts_close_owned(&ps.st[k]->fa);
		done[idx[k]] = true;
	}
}

void stage_spawn(struct run *r, struct rstage *s)
{
	if (s->kind == SK_EXEC)
		spawn_exec(r, s, s->node);
	else
		spawn_internal(r, s, s->node);
	fdacts_close_owned(&s->fa);
}

/* Will the job be one process that ipcsh waits for, doing nothing else
 * (near_begin)? Not while ipcsh still writes a first stage's output. */
static bool lone_process(const struct run *r)
{
	if (!r->fg || r->nsubs || (r->st[0].in_shell && !r->st[0].out_done))
		return false;
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += !r->st[i].in_shell && r->st[i].preset < 0;
	for (size_t i = 0; i + 1 < r->n; i++) {
		const struct redge *e = &r->ed[i];
		n += (e->relay_in_fd >= 0) + (e->relay_out_fd >= 0 && !e->out_thread) + (e->count_in >= 0);
	}
	return n == 1;
}

static void spawn_all(struct run *r)
{
	bool *done = arena_alloc(&r->a, r->n * sizeof *done);
	r->near = lone_process(r);
	/* Substitutions first: a producer already runs when its host first
	 * reads, which spares the host a sleep and a wake-up. With job
	 * control the first stage leads the group and takes the terminal. */
	bool subs_first = !sh.jobctl;
	if (subs_first)
		procsub_spawn(r);
	for (size_t i = 0; i < r->n; i++) {
		struct rstage *s = &r->st[i];
		if (done[i])
			continue;
		if (s->preset >= 0) {
			job_set_stage_status(r->job, (int)i, s->preset);
			continue;
		}
		if (!s->in_shell)
			stage_spawn(r, s);
		/* Once the job's process group exists, the rest may start in parallel. */
		if (i == 0 && (r->pgid || !sh.jobctl))
			spawn_exec_parallel(r, 1, done);
	}
	if (!subs_first)
		procsub_spawn(r);
	for (size_t i = 0; i + 1 < r->n; i++) {
		struct redge *e = &r->ed[i];
		if (e->relay_in_fd >= 0)
			spawn_relay(r, e, 0);
		if (e->relay_out_fd >= 0 && !e->out_thread)
			spawn_relay(r, e, 1);
		if (e->count_in >= 0)
			spawn_relay(r, e, 2);
	}
	if (sh.jobctl && r->pgid)
		r->job->pgid = r->pgid;
}

/* ---- the whole pipeline --------------------------------------------------- */

void stage_classify(struct run *r, struct rstage *s)
{
	s->preset = -1;
	if (s->remote) {
		s->kind = SK_REMOTE;
		if (!s->argv.n) {
			msg_err("@%s: no command for the remote stage", s->remote);
			s->preset = 2;
		}
		return;
	}
	if (s->ast->kind != CMD_SIMPLE) {
		s->kind = SK_COMPOUND;
		return;
	}
	if (!s->argv.n) {
		s->kind = SK_NONE;
		s->bi = builtin_find("true");
		return;
	}
	/* `command [-p] [--] NAME ARGS`: NAME, but never a function; the
	 * describing forms (-v, -V) are the built-in's. */
	bool no_func = false, std_path = false;
	while (s->argv.n > 0 && strcmp(s->argv.v[0], "command") == 0) {
		size_t i = 1;
		bool p = false, describe = false;
		for (; i < s->argv.n && s->argv.v[i][0] == '-' && s->argv.v[i][1]; i++) {
			const char *o = s->argv.v[i] + 1;
			if (strcmp(o, "-") == 0) {
				i++;
				break;
			}
			if (strspn(o, "pvV") != strlen(o))
				break; /* a bad option: the built-in says so */
			p |= strchr(o, 'p') != NULL;
			describe |= strpbrk(o, "vV") != NULL;
		}
		if (describe || i >= s->argv.n || (s->argv.v[i][0] == '-' && s->argv.v[i][1] &&
						   strcmp(s->argv.v[i - 1], "--") != 0))
			break; /* command -v NAME, or nothing to run: the built-in */
		std_path |= p;
		s->argv.v += i;
		s->argv.n -= i;
		no_func = true;
	}
	const char *name = s->argv.v[0];
	/* POSIX's order: special built-ins, functions, built-ins, $PATH. */
	if ((s->flow = flow_find(name))) {
		s->kind = SK_FLOW;
		return;
	}
	if ((s->bi = builtin_find(name)) && is_special_builtin(name)) {
		s->kind = SK_BUILTIN;
		return;
	}
	if (!no_func && (s->fn = func_find(name))) {
		s->kind = SK_FUNC;
		return;
	}
	if (s->bi) {
		s->kind = SK_BUILTIN;
		return;
	}
	s->kind = SK_EXEC;
	/* `PATH=dir cmd` looks cmd up in the new PATH. */
	const char *path_assign = NULL;
	for (size_t i = 0; i < s->assigns.n; i++)
		if (strncmp(s->assigns.v[i], "PATH=", 5) == 0)
			path_assign = s->assigns.v[i] + 5;
	size_t mark = path_assign ? var_journal_begin() : 0;
	if (path_assign && var_set("PATH", path_assign, 0) < 0) { /* a readonly PATH stays */ }
	int st = std_path ? lookup_std(&r->a, name, &s->path, &s->why)
			  : lookup(&r->a, name, &s->path, &s->why);
	if (path_assign)
		var_journal_rollback(mark);
	if (st) {
		/* Said when it runs, after its redirections, as in sh
		 * (`nosuch 2>/dev/null` is quiet). */
		s->kind = SK_NOTFOUND;
		s->why_status = st;
	}
}

/* Whether a stage of the job was killed by sig (the signal that ended it). */
static bool stage_killed_by(const struct job *j, int sig)
{
	for (size_t i = 0; i < j->nprocs; i++)
		if (j->procs[i].role == ROLE_STAGE && j->procs[i].state == PROC_DONE &&
		    WIFSIGNALED(j->procs[i].wstatus) && WTERMSIG(j->procs[i].wstatus) == sig)
			return true;
	return false;
}

/* Check relays' exits: a relay that died on its own makes the pipeline
 * fail, loudly. One killed by the signal that also killed a stage (Ctrl-C
 * of the whole job) went down with the job: nothing to say, as for a pipe. */
static int relay_verdict(struct run *r)
{
	int bad = 0;
	for (size_t i = 0; i < r->job->nprocs; i++) {
		struct proc *p = &r->job->procs[i];
		if (p->role != ROLE_RELAY || p->state != PROC_DONE)
			continue;
		int ws = p->wstatus;
		if (WIFSIGNALED(ws) && WTERMSIG(ws) != SIGPIPE && !stage_killed_by(r->job, WTERMSIG(ws))) {
			int prod, cons;
			const struct redge *e = edge_at(r, p->index, &prod, &cons);
			char ends[64];
			edge_ends(&e->e, ends, sizeof ends);
			msg_err("edge %s (%s): relay killed by signal %d (%s)", ends,
				transport_name(e->e.spec.kind), WTERMSIG(ws), strsignal(WTERMSIG(ws)));
			bad = 1;
		} else if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0) {
			bad = 1; /* the relay said why */
		}
	}
	return bad;
}

static int finish(struct run *r)
{
	int status = procsub_status(r, sh.opt_pipefail, job_status(r->job, sh.opt_pipefail));
	if (relay_verdict(r) && status == 0)
		status = 1;
	size_t ne = edge_count(r);
	if (sh.stats != STATS_NONE && ne) {
		struct edge **ev = arena_alloc(&r->a, ne * sizeof *ev);
		int prod, cons;
		for (size_t i = 0; i < ne; i++)
			ev[i] = &edge_at(r, (int)i + 1, &prod, &cons)->e;
		stats_print(r->p->text, ev, ne, now_ns() - r->t0);
	}
	/* A foreground job killed by a signal: say so, as interactive shells do. */
	for (size_t i = 0; sh.interactive && i < r->job->nprocs; i++) {
		struct proc *p = &r->job->procs[i];
		if (p->role == ROLE_STAGE && p->index == (int)r->n - 1 && WIFSIGNALED(p->wstatus)) {
			int sg = WTERMSIG(p->wstatus);
			if (sg == SIGINT)
				fputc('\n', stderr);
			else if (sg != SIGPIPE)
				fprintf(stderr, "%s%s\n", strsignal(sg), WCOREDUMP(p->wstatus) ? " (core dumped)" : "");
		}
	}
	return status;
}

/* The variables are set already (expand_stage); apply and undo the
 * redirections, as sh does for `x=1 >file`. */
static int run_assignments_only(struct run *r, struct rstage *s)
{
	struct fdsave *saves;
	size_t nsaves;
	int rc = fdacts_apply_saved(&r->a, &s->fa, &saves, &nsaves);
	fdacts_restore(saves, nsaves);
	fdacts_close_owned(&s->fa);
	return rc < 0;
}

/* Test-only, as transport's fault_point(): IPCSH_FAULT=prepared kills ipcsh
 * after every edge of a pipeline is prepared and before any stage starts,
 * IPCSH_FAULT=spawned once every stage and relay runs while ipcsh still holds
 * the edges (make stress shows that neither leaves anything behind). */
static void pipeline_fault(const char *point)
{
	const char *f = getenv("IPCSH_FAULT");
	if (f && strcmp(f, point) == 0)
		raise(SIGKILL);
}

/* A lone stage in the foreground that ipcsh runs itself: a built-in, a
 * function, a compound command other than ( ). Its redirections are
 * applied and undone, its NAME=value prefixes set and put back. */
static struct xs run_lone_here(struct run *r, struct rstage *s0, unsigned flags)
{
	if (sh.opt_x && s0->kind != SK_COMPOUND)
		trace(r);
	struct fdsave *saves;
	size_t nsaves;
	flush_stdout(); /* built-ins write to their fds; anything else must not move */
	if (fdacts_apply_saved(&r->a, &s0->fa, &saves, &nsaves) < 0) {
		fdacts_restore(saves, nsaves);
		fdacts_close_owned(&s0->fa);
		return XS(1);
	}
	bool keep_redirs = s0->kind == SK_FLOW && s0->argv.n == 1 && strcmp(s0->argv.v[0], "exec") == 0;
	/* POSIX: assignments before a special built-in stay (`x=1 :`), and
	 * those before exec go into the new program's environment. */
	bool special = s0->kind == SK_FLOW ||
		       (s0->kind == SK_BUILTIN && is_special_builtin(s0->argv.v[0]));
	bool is_exec = s0->kind == SK_FLOW && strcmp(s0->argv.v[0], "exec") == 0;
	struct saved_var *saved = arena_alloc(&r->a, (s0->assigns.n + 1) * sizeof *saved);
	for (size_t i = 0; i < s0->assigns.n; i++) {
		builtin_assign(s0->assigns.v[i], special ? NULL : &saved[i]);
		if (is_exec) {
			const char *eq = strchr(s0->assigns.v[i], '=');
			char *nm = arena_strndup(&r->a, s0->assigns.v[i], (size_t)(eq - s0->assigns.v[i]));
			var_export(nm);
		}
	}
	s0->fg_here = true;
	/* A for or case run here with substitutions of its own in its
	 * redirections too: its words' substitutions (a graph of their own,
	 * words_graph_open) come back as words for this run's
	 * IPCSH_GRAPHSTATUS, as from a forked stage. */
	const struct ast_cmd *save_cmd = sh.stage_cmd;
	char *save_words = sh.stage_words;
	int save_node = sh.stage_node;
	if (r->nsubs && s0->kind == SK_COMPOUND && compound_word_procsubs(s0->ast) > 0) {
		r->child_words = arena_alloc(&r->a, CHILD_WORDS_LEN);
		r->child_words[0] = '\0';
		sh.stage_cmd = s0->ast;
		sh.stage_node = 0;
		sh.stage_words = r->child_words;
	}
	struct xs x = run_here(s0, flags);
	sh.stage_cmd = save_cmd;
	sh.stage_words = save_words;
	sh.stage_node = save_node;
	for (size_t i = s0->assigns.n; !special && i-- > 0;)
		builtin_unassign(&saved[i]);
	flush_stdout();
	if (keep_redirs) {
		/* `exec` with only redirections keeps them. */
		for (size_t i = 0; i < nsaves; i++)
			if (saves[i].saved >= 0)
				close(saves[i].saved);
	} else {
		fdacts_restore(saves, nsaves);
	}
	fdacts_close_owned(&s0->fa);
	return x;
}

/* PIPESTATUS: each stage's status; a stage not ended (a stopped job's) as
 * bash gives it, 128+SIGTSTP. */
static void record_pipestatus(struct run *r)
{
	int *st = arena_alloc(&r->a, r->n * sizeof *st);
	for (size_t i = 0; i < r->n; i++)
		st[i] = r->job->stage_status[i] >= 0 ? r->job->stage_status[i] : 128 + SIGTSTP;
	pipestatus_set(st, r->n);
}

/* Phases 2 to 5: prepare every edge, start every process, release the
 * edges, wait (or leave a background job). Returns the status. */
/* Whether the processes r starts fit under the process limit (limits.c). */
static int procs_check(const struct run *r)
{
	size_t need = procsub_nprocs(r);
	for (size_t i = 0; i < r->n; i++)
		need += r->st[i].preset < 0 && !r->st[i].in_shell;
	for (size_t i = 0; i + 1 < r->n; i++)
		need += (size_t)(r->ed[i].relay_in_fd >= 0) + (r->ed[i].relay_out_fd >= 0) +
			(r->ed[i].count_in >= 0);
	return limit_procs_check(r->p->text, need);
}

/* ---- a first stage that ipcsh runs itself ----------------------------------- */

/* Is printf's output bounded by the size of its words? Not with a `*` or a
 * width or precision of five digits or more (`printf '%*s' 1000000000`
 * streams a gigabyte through a forked printf; collected, it would sit in
 * ipcsh's memory). */
static bool printf_bounded(const struct rstage *s)
{
	size_t i = s->argv.n > 1 && strcmp(s->argv.v[1], "--") == 0 ? 2 : 1;
	if (i >= s->argv.n)
		return true;
	for (const char *f = s->argv.v[i]; (f = strchr(f, '%'));) {
		f++;
		f += strspn(f, "-+ #0'");
		for (int part = 0; part < 2; part++) {
			size_t d = strspn(f, "0123456789");
			if (d > 4 || *f == '*')
				return false;
			f += d;
			if (part == 0 && *f == '.')
				f++;
		}
		if (*f)
			f++; /* the conversion (%% included) */
	}
	return true;
}

/* `echo "$i" |[shm] read -r v`: a fork for echo costs more than all echo
 * does. When the first stage of a foreground pipeline is echo or printf
 * with no redirection and no NAME=value prefix, ipcsh runs it itself: its
 * output is collected (sh.stage_out), then written into the edge, as far
 * as it goes without waiting before the other stages start (so no reader
 * can be gone yet: `echo hi | true` is 0, sh's usual outcome), the rest
 * once they run. A transport with write_in (shm, mq, dgram, sysvshm,
 * mmap) takes it straight into its object: no relay_in process. POSIX
 * lets any command of a pipeline run in the current environment (XCU
 * 2.12), and these two change nothing in it: their words were expanded
 * in the stage's own environment (pipeline_run). Not with job control
 * (the stage would be outside the job's process group), under --stats (no
 * process to account for), `time`, or substitutions in the pipeline, nor
 * on an edge whose transport must see its consumer exit (sock, fifo: ipcsh
 * does that while it waits, not while it writes). */
static bool first_in_shell(const struct run *r, bool background)
{
	const struct rstage *s = &r->st[0];
	if (background || r->n < 2 || sh.jobctl || sh.stats != STATS_NONE || r->p->timed || r->nsubs ||
	    s->preset >= 0 || s->kind != SK_BUILTIN || s->fa.n || s->assigns.n)
		return false;
	/* echo's output is never larger than its words; printf's, see above. */
	if (strcmp(s->argv.v[0], "echo") != 0 &&
	    !(strcmp(s->argv.v[0], "printf") == 0 && printf_bounded(s)))
		return false;
	const struct edge_spec *sp = &r->p->edges[0];
	const struct transport_ops *ops = transport_ops_for(sp->dflt ? sh.dflt_edge.kind : sp->kind);
	return ops && !ops->consumer_exit;
}

/* Write what is left of the first stage's output, and end its stream:
 * 0 done, 1 not all of it (only without wait), -1 errno (EPIPE: the reader
 * is gone). Without wait, ipcsh still holds the consumer's end of a pipe,
 * so the worst a write can meet is a full pipe. */
static int first_write(struct run *r, bool wait)
{
	struct rstage *s = &r->st[0];
	struct redge *e = &r->ed[0];
	while (s->out_off < s->out.len) {
		size_t n = s->out.len - s->out_off;
		const char *p = s->out.buf + s->out_off;
		ssize_t w;
		if (e->direct_in)
			w = e->e.ops->write_in(&e->e, p, n, wait);
		else if (wait)
			w = write_all(s->out_fd, p, n);
		else if ((w = write(s->out_fd, p, n)) < 0 && errno == EAGAIN)
			w = 0;
		if (w < 0)
			return -1;
		if (w == 0 && !wait)
			return 1;
		s->out_off += (size_t)w;
	}
	if (e->direct_in)
		return e->e.ops->close_in(&e->e, wait);
	close(s->out_fd);
	s->out_fd = -1;
	return 0;
}

/* Run the first stage (first_in_shell) and write what goes at once. */
static void first_start(struct run *r)
{
	struct rstage *s = &r->st[0];
	struct redge *e = &r->ed[0];
	struct strbuf *outer = sh.stage_out;
	sh.stage_out = &s->out;
	int st = s->bi->fn((int)s->argv.n, s->argv.v);
	sh.stage_out = outer;
	job_set_stage_status(r->job, 0, st);
	if (!e->direct_in) {
		/* The pipe is the stage's now: edges_release must not close it. */
		if (e->prod_fd == e->e.wfd)
			e->e.wfd = -1;
		e->prod_fd = -1;
		int fl = fcntl(s->out_fd, F_GETFL);
		if (fl < 0 || fcntl(s->out_fd, F_SETFL, fl | O_NONBLOCK) < 0)
			return; /* all of it in first_finish */
		s->out_done = first_write(r, false) == 0;
		if (s->out_fd >= 0 && fcntl(s->out_fd, F_SETFL, fl) < 0) { /* a pipe we made: cannot fail */ }
		return;
	}
	s->out_done = first_write(r, false) == 0;
}

/* The rest of the first stage's output, now that its reader runs and
 * ipcsh's copies of the other edges are closed; then edge 1 is released.
 * A reader gone ends the stage as SIGPIPE ends a forked one: 128+SIGPIPE,
 * quietly; with `trap '' PIPE` (which a forked stage keeps) as a write
 * error. */
static void first_finish(struct run *r)
{
	struct rstage *s = &r->st[0];
	/* ipcsh must hold no reading end, or a reader gone would not be seen
	 * (the write would block for ever): only the object that ipcsh writes
	 * into itself stays. */
	if (r->ed[0].direct_in)
		redge_close_pipes(&r->ed[0]);
	else
		redge_release(&r->ed[0]);
	if (!s->out_done) {
		struct sigaction ign = {.sa_handler = SIG_IGN}, old;
		sigaction(SIGPIPE, &ign, &old);
		int rc = first_write(r, true), en = errno;
		sigaction(SIGPIPE, &old, NULL);
		if (rc < 0 && en == EPIPE && !(sh.traps[SIGPIPE] && !*sh.traps[SIGPIPE])) {
			job_set_stage_status(r->job, 0, 128 + SIGPIPE);
		} else if (rc < 0) {
			if (en == EPIPE || !r->ed[0].direct_in) {
				errno = en;
				msg_errno("%s: write error", s->argv.v[0]);
			}
			job_set_stage_status(r->job, 0, 1);
		}
	}
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
	redge_release(&r->ed[0]);
	sb_free(&s->out);
}

static int run_job(struct run *r, bool background)
{
	r->st[0].in_shell = first_in_shell(r, background);
	if (edges_prepare(r) < 0 || procs_check(r) < 0) {
		for (size_t i = 0; i < r->n; i++)
			fdacts_close_owned(&r->st[i].fa);
		edges_release(r);
		for (size_t i = 0; i + 1 < r->n; i++)
			if (r->ed[i].released && r->ed[i].e.ops->finish)
				r->ed[i].e.ops->finish(&r->ed[i].e);
		procsub_abandon(r);
		return 1;
	}
	pipeline_fault("prepared");
	if (sh.opt_x)
		trace(r);
	int devnull = -1;
	if (background && !sh.jobctl && r->st[0].in_fd < 0) {
		/* As sh: without job control a background job reads /dev/null. */
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		r->st[0].in_fd = devnull;
	}
	sig_child_default_set(&r->child_dflt);
	r->job = job_new(r->p->text, (int)r->n);
	r->job->background = background;
	if (r->st[0].in_shell)
		first_start(r);
	spawn_all(r);
	pipeline_fault("spawned");
	if (devnull >= 0)
		close(devnull);
	if (r->st[0].in_shell) {
		/* Every other edge first: a stage blocked on one that ipcsh
		 * still held could keep the reader from reading. */
		for (size_t i = 1; i + 1 < r->n; i++)
			redge_release(&r->ed[i]);
		first_finish(r);
	}
	edges_release(r);
	edges_keep(r);
	if (background) {
		job_number(r->job);
		job_make_current(r->job);
		r->job->notified = true;
		if (r->job->nprocs)
			sh.last_bg = r->job->procs[0].pid;
		for (size_t i = 0; i < r->job->nprocs; i++)
			if (r->job->procs[i].role == ROLE_STAGE)
				sh.last_bg = r->job->procs[i].pid;
		if (sh.interactive)
			fprintf(stderr, "[%d] %ld\n", r->job->id, (long)sh.last_bg);
		return 0;
	}
	job_wait_fg(r->job, false);
	record_pipestatus(r);
	if (job_state(r->job) == JOB_STOPPED)
		return 128 + SIGTSTP;
	int status = finish(r);
	job_remove(r->job);
	return status;
}

/* A stage that runs in ipcsh itself with substitutions in its words
 * (`while read l; do …; done < <(cmd)`, `f <(cmd)`): the substitutions
 * are a job of their own in ipcsh's process group, started before and
 * waited for after it; their
 * host fds stay open across exec meanwhile, so the programs it runs can
 * open "/dev/fd/N" too, as in bash. */
static int here_start(struct run *r)
{
	if (!r->nsubs)
		return 0;
	if (limit_procs_check(r->p->text, procsub_nprocs(r)) < 0) {
		procsub_abandon(r);
		return -1;
	}
	sig_child_default_set(&r->child_dflt);
	r->job = job_new(r->p->text, (int)r->n);
	/* ipcsh keeps the terminal while it runs the stage, and the
	 * substitutions join its process group: Ctrl-C reaches them with
	 * the foreground that ipcsh is (the job has no group of its own). */
	r->fg = false;
	r->pgid = sh.jobctl ? sh.pgid : 0;
	procsub_spawn(r);
	procsub_hand_to_host(r, 0);
	return 0;
}

static int here_finish(struct run *r, int status)
{
	if (!r->job)
		return procsub_status(r, false, status);
	procsub_release(r);
	job_set_stage_status(r->job, 0, status);
	edges_keep(r);
	job_wait_fg(r->job, false);
	if (job_state(r->job) == JOB_STOPPED)
		return status;
	status = finish(r);
	if (sh.stage_words && r->st[0].ast == sh.stage_cmd) /* a for or case stage's words */
		procsub_child_words(r, sh.stage_words, CHILD_WORDS_LEN);
	if (sh.interactive && stage_killed_by(r->job, SIGINT))
		fputc('\n', stderr); /* ^C ended the substitutions, and with them the stage */
	job_remove(r->job);
	return status;
}

static bool runs_here(const struct rstage *s)
{
	return s->kind == SK_BUILTIN || s->kind == SK_FLOW || s->kind == SK_FUNC || s->kind == SK_NOTFOUND ||
	       (s->kind == SK_COMPOUND && s->ast->kind != CMD_SUBSHELL);
}

/* Can the lone program of s end this forked shell, or the text of -c, by
 * exec'ing in its place (EV_LAST), as sh does, instead of forking once more
 * and waiting? Not if anything must happen after it: a trap, a '!', `time`,
 * --stats, job control; for -c, not while a job of it may still need ipcsh
 * (its relays' objects, its status). */
static bool exec_in_place_ok(const struct run *r, const struct rstage *s, bool last)
{
	if (!last || r->n != 1 || s->kind != SK_EXEC || s->preset >= 0 || r->p->bang ||
	    r->p->timed || sh.stats || sh.jobctl)
		return false;
	if (!sh.in_subshell && (!sh.oneshot || sh.interactive || job_first()))
		return false;
	for (int sg = 0; sg < NSIG; sg++)
		if (sh.traps[sg] && *sh.traps[sg])
			return false;
	return true;
}

/* exec s in place of this (forked) shell; returns only when that fails. */
static int exec_in_place(struct run *r, struct rstage *s)
{
	if (sh.opt_x)
		trace(r);
	char **env = var_environ(s->assigns.v);
	if (fdacts_apply(&s->fa) < 0)
		return 1;
	out_thread_exec();
	sig_child_reset();
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fflush(NULL);
	execve(s->path, s->argv.v, env);
	int e = errno;
	if (e == ENOEXEC) { /* a script without #!: /bin/sh runs it, as exec_start */
		char **av = xcalloc(s->argv.n + 2, sizeof *av);
		av[0] = "sh";
		av[1] = (char *)s->path;
		for (size_t i = 1; i < s->argv.n; i++)
			av[i + 1] = s->argv.v[i];
		execve("/bin/sh", av, env);
		e = errno;
		free(av);
	}
	errno = e;
	msg_errno("%s", s->argv.v[0]);
	return e == ENOENT ? 127 : 126;
}

struct xs pipeline_run(const struct ast_pipeline *p, bool background, unsigned flags)
{
	bool last = flags & EV_LAST;
	flags &= ~(unsigned)EV_LAST;
	/* Zeroed up to child_dflt only (runner.h): this runs for every
	 * command, and clearing the whole struct cost 3% of a `case` loop. */
	static const struct run zero;
	struct run r;
	memcpy(&r, &zero, offsetof(struct run, child_dflt)); /* a few vector moves; memset is `rep stos` */
	r.p = p;
	r.n = p->nstages;
	r.fg = !background;
	r.flags = flags;
	r.t0 = sh.stats != STATS_NONE ? now_ns() : 0;
	struct xs x = XS(1);
	r.st = arena_alloc(&r.a, r.n * sizeof *r.st);
	r.ed = r.n > 1 ? arena_alloc(&r.a, (r.n - 1) * sizeof *r.ed) : NULL;
	sh.cmdsub_status = 0; /* an assignment-only command's status is its last $(...)'s */
	if (p->line > 0)
		var_lineno_lazy(p->line); /* the line of the pipeline about to run, as in sh */
	const struct ast_cmd *c0 = &p->stages[0];
	bool only_assigns = r.n == 1 && c0->kind == CMD_SIMPLE && !c0->nwords && !c0->remote;
	/* A background job runs in a subshell environment: what its
	 * expansions assign (`echo ${b=2} &`) does not stay. */
	size_t mark = background ? var_journal_begin() : 0;
	bool expanded = true;
	struct procsub_scope scope;
	procsub_open(&r, &scope);
	for (size_t i = 0; i < r.n && expanded; i++) {
		r.st[i].ast = &p->stages[i];
		r.st[i].in_fd = r.st[i].out_fd = -1;
		r.st[i].node = (int)i;
		procsub_host(&scope, (int)i);
		/* Each stage of a pipeline of several is a subshell
		 * environment (POSIX 2.12): what its expansion assigns
		 * (`echo ${x=1} | cat`, `$((i+=1))`) does not stay, and an
		 * expansion error ends that stage, not the shell. ipcsh
		 * expands here to know what each stage is. */
		size_t smark = r.n > 1 ? var_journal_begin() : 0;
		size_t nsubs = r.nsubs;
		expanded = stage_expand(&r, &r.st[i], only_assigns && !background) == 0;
		if (r.n > 1)
			var_journal_rollback(smark);
		if (!expanded && r.n > 1 && r.nsubs == nsubs) {
			r.st[i].expand_failed = true;
			r.st[i].argv.n = r.st[i].assigns.n = 0;
			expanded = true;
		}
	}
	if (background)
		var_journal_rollback(mark);
	if (!expanded) {
		procsub_close(&scope);
		/* An expansion error (${x:?}, a bad substitution) ends a
		 * script, as in sh; at the prompt it drops the rest of the
		 * line. */
		x.ctl = sh.interactive ? CTL_ABORT : CTL_EXIT;
		goto out;
	}
	struct rstage *s0 = &r.st[0];
	if (only_assigns) {
		if (sh.opt_x && s0->assigns.n)
			trace(&r);
		procsub_host(&scope, 0);
		int rc = redir_prepare(&r.a, s0->ast->redirs, &s0->fa);
		procsub_close(&scope);
		if (rc < 0 || r.graph_failed) {
			fdacts_close_owned(&s0->fa);
			x.status = 1;
			goto out;
		}
		if (here_start(&r) < 0) {
			fdacts_close_owned(&s0->fa);
			x.status = 1;
			goto out;
		}
		x.status = run_assignments_only(&r, s0) ? 1 : sh.cmdsub_status;
		x.status = here_finish(&r, x.status);
		goto out;
	}
	for (size_t i = 0; i < r.n; i++) {
		if (r.st[i].expand_failed) {
			r.st[i].kind = SK_NONE;
			r.st[i].preset = 1;
			continue;
		}
		stage_classify(&r, &r.st[i]);
		procsub_host(&scope, (int)i);
		/* Its redirections' words and here-documents too are
		 * expanded in the stage's own environment (`>f$((i+=1))`). */
		size_t smark = r.n > 1 ? var_journal_begin() : 0;
		if (r.st[i].preset < 0 && redir_prepare(&r.a, r.st[i].ast->redirs, &r.st[i].fa) < 0)
			r.st[i].preset = 1;
		if (r.n > 1)
			var_journal_rollback(smark);
	}
	procsub_close(&scope);
	if (r.graph_failed) {
		/* A substitution's edge could not be prepared: nothing starts. */
		for (size_t i = 0; i < r.n; i++)
			fdacts_close_owned(&r.st[i].fa);
		x.status = 1;
		goto out;
	}
	if (!background && !r.nsubs && exec_in_place_ok(&r, s0, last)) {
		x.status = exec_in_place(&r, s0);
		goto out;
	}
	if (r.n == 1 && !background && runs_here(s0)) {
		if (here_start(&r) < 0) {
			fdacts_close_owned(&s0->fa);
			x.status = 1;
			goto out;
		}
		if (s0->preset >= 0)
			x.status = s0->preset;
		else
			x = run_lone_here(&r, s0, flags);
		x.status = here_finish(&r, x.status);
		goto out;
	}
	x.status = run_job(&r, background);
	if (r.job)
		goto done; /* run_job() recorded PIPESTATUS, or it is a background job */
out:
	/* One command: PIPESTATUS is its status, as in bash, unless it is a
	 * compound command run here, whose own pipelines set it. */
	if (!background && !(r.n == 1 && r.st[0].kind == SK_COMPOUND && r.st[0].fg_here))
		pipestatus_set1(x.status);
done:
	procsub_abandon(&r);
	if (r.stats)
		munmap(r.stats, (r.n - 1) * sizeof *r.stats);
	if (r.child_words && r.child_words_shared)
		munmap(r.child_words, r.n * CHILD_WORDS_LEN);
	arena_free(&r.a);
	return x;
}

/* ---- a compound command's own words ----------------------------------------- */

/* `for f in <(a) <(b)`, `case <(a) in`: the command itself is the host
 * (node 1), its substitutions a job in ipcsh's process group as for a
 * lone stage run here (here_start), started once the words are expanded
 * and waited for when the command ends; their host fds live until then. */
struct words_graph {
	struct run r;
	struct rstage st;
	struct ast_pipeline p;
	struct procsub_scope scope;
	bool open;
};

struct words_graph *words_graph_open(const struct ast_cmd *c)
{
	struct words_graph *g = xcalloc(1, sizeof *g);
	g->p = (struct ast_pipeline){.nstages = 1, .stages = (struct ast_cmd *)c,
				     .text = c->text ? c->text : (char *)"", .line = c->line};
	g->r = (struct run){.p = &g->p, .n = 1, .st = &g->st, .fg = true, .t0 = now_ns(),
			    .label_base = c == sh.stage_cmd ? sh.stage_node : 0, .words_host = true};
	g->st = (struct rstage){.ast = c, .in_fd = -1, .out_fd = -1, .preset = -1};
	procsub_open(&g->r, &g->scope);
	g->open = true;
	return g;
}

int words_graph_start(struct words_graph *g)
{
	procsub_close(&g->scope);
	g->open = false;
	if (g->r.graph_failed)
		return -1;
	if (sh.opt_x && g->r.nsubs) { /* the command's own line is not traced: its substitutions are */
		struct strbuf sb = {0};
		const char *ps4 = var_get("PS4");
		procsub_trace(&g->r, ps4 ? ps4 : "+ ", &sb);
		if (write_all(2, sb.buf, sb.len) < 0) { /* stderr gone */ }
		sb_free(&sb);
	}
	if (here_start(&g->r) < 0) {
		g->r.graph_failed = true;
		return -1;
	}
	return 0;
}

int words_graph_close(struct words_graph *g, int status)
{
	if (g->open)
		procsub_close(&g->scope);
	else if (!g->r.graph_failed) {
		status = here_finish(&g->r, status);
		if (g->r.nsubs)
			procsub_status_keep();
	}
	procsub_abandon(&g->r);
	arena_free(&g->r.a);
	free(g);
	return status;
}
