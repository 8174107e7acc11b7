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
#include "pipestatus.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../builtin/builtin.h"
#include "../job/job.h"
#include "../job/sig.h"
#include "../remote/remote.h"
#include "expand.h"
#include "flow.h"
#include "redir.h"
#include "shell.h"
#include "stats.h"

enum stage_kind {
	SK_NONE,      /* assignments and redirections only */
	SK_EXEC,      /* a program */
	SK_BUILTIN,   /* a built-in (src/builtin/) */
	SK_FLOW,      /* break, continue, return, exit, eval, ., exec (flow.c) */
	SK_FUNC,      /* a shell function */
	SK_COMPOUND,  /* { }, ( ), if, while, until, for, case, NAME() */
	SK_REMOTE,    /* @host cmd */
};

struct rstage {
	const struct ast_cmd *ast;
	enum stage_kind kind;
	struct strvec argv;
	struct strvec assigns;
	char *remote;
	const char *path;             /* SK_EXEC: resolved program */
	const struct builtin *bi;
	const struct flow_builtin *flow;
	struct func *fn;
	struct fdacts fa;
	int in_fd, out_fd;            /* from edges, -1 = inherit */
	bool fg_here;                 /* runs in ipcsh itself (a lone stage) */
	int preset;                   /* status when not started, -1 otherwise */
};

struct redge {
	struct edge e;
	bool prepared, released;
	int prod_fd, cons_fd;         /* what the stages get */
	int relay_in_fd, relay_out_fd, count_in, count_out;
	bool count_producer;          /* the counting relay writes into the object */
	uint64_t budget[2];           /* pipe budget taken for our own pipes */
};

struct run {
	struct arena a;
	const struct ast_pipeline *p;
	size_t n;
	struct rstage *st;
	struct redge *ed;
	struct edge_stats *stats;     /* MAP_SHARED, n-1 entries */
	struct job *job;
	sigset_t child_dflt;          /* signals exec'd stages get reset to default */
	pid_t pgid;
	bool fg;
	unsigned flags;               /* EV_* for stages that run shell code */
	uint64_t t0;
};

/* ---- command lookup ---------------------------------------------------- */

/* Resolve a command name: 0 and *path, or 126/127 after a message. */
static int lookup(struct arena *a, const char *name, const char **path)
{
	struct stat st;
	if (strchr(name, '/')) {
		if (stat(name, &st) < 0) {
			msg_errno("%s", name);
			return 127;
		}
		if (S_ISDIR(st.st_mode)) {
			msg_err("%s: Is a directory", name);
			return 126;
		}
		if (access(name, X_OK) < 0) {
			msg_errno("%s", name);
			return 126;
		}
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
		msg_err("%s: Permission denied", denied);
		free(denied);
		return 126;
	}
	size_t n = strlen(name);
	if (n > 2 && name[0] == '[' && name[n - 1] == ']') /* `a | [shm] b` */
		msg_err("%s: command not found (an edge is written |%s, without a space)", name, name);
	else
		msg_err("%s: command not found", name);
	return 127;
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
static int lookup_std(struct arena *a, const char *name, const char **path)
{
	if (strchr(name, '/'))
		return lookup(a, name, path);
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
	msg_err("%s: command not found", name);
	return 127;
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
static int expand_stage(struct run *r, struct rstage *s, bool assign_now)
{
	const struct ast_cmd *as = s->ast;
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
	if (write_all(2, sb.buf, sb.len) < 0) { /* stderr gone */ }
	sb_free(&sb);
}

/* ---- edges --------------------------------------------------------------- */

static void edges_release(struct run *r)
{
	for (size_t i = 0; i + 1 < r->n; i++) {
		struct redge *e = &r->ed[i];
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
		if (e->prepared && e->e.ops->release)
			e->e.ops->release(&e->e);
		e->released |= e->prepared;
		e->prepared = false;
	}
}

static int edges_prepare(struct run *r)
{
	if (r->n > 1) {
		r->stats = mmap(NULL, (r->n - 1) * sizeof *r->stats, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (r->stats == MAP_FAILED) {
			r->stats = NULL;
			msg_errno("cannot map edge statistics");
			return -1;
		}
	}
	for (size_t i = 0; i + 1 < r->n; i++) {
		struct redge *e = &r->ed[i];
		const struct edge_spec *sp = &r->p->edges[i];
		e->e.index = (int)i + 1;
		e->e.spec = sp->dflt ? sh.dflt_edge : *sp;
		e->e.ops = transport_ops_for(e->e.spec.kind);
		e->e.rfd = e->e.wfd = -1;
		e->e.stats = &r->stats[i];
		e->e.want_stats = sh.stats != STATS_NONE;
		e->prod_fd = e->cons_fd = e->relay_in_fd = e->relay_out_fd = e->count_in = e->count_out = -1;
		if (!e->e.ops) {
			msg_err("edge %d->%d: transport '%s' is not available in this build", e->e.index,
				e->e.index + 1, transport_name(e->e.spec.kind));
			return -1;
		}
		struct errbuf err = {{0}};
		if (e->e.ops->prepare(&e->e, &err) < 0) {
			msg_err("%s", err.msg[0] ? err.msg : "cannot prepare edge");
			return -1;
		}
		e->prepared = true;
		int p[2];
		if (e->e.ops->relay_in) {
			if (pipe_make(p, 1u << 20, &e->budget[0]) < 0)
				goto pipe_fail;
			e->prod_fd = p[1];
			e->relay_in_fd = p[0];
			if (e->e.ops->stage_pipe)
				e->e.ops->stage_pipe(&e->e, 0, p[1]);
		} else if (e->e.want_stats && !e->e.ops->relay_out && e->e.ops->count_at_producer) {
			/* producer -> pipe -> counting relay -> the object -> consumer */
			if (pipe_make(p, 1u << 20, &e->budget[0]) < 0)
				goto pipe_fail;
			e->prod_fd = p[1];
			e->count_in = p[0];
			e->count_out = e->e.wfd;
			e->cons_fd = e->e.rfd;
			e->count_producer = true;
			continue;
		} else {
			e->prod_fd = e->e.wfd;
		}
		if (e->e.ops->relay_out || e->e.want_stats) {
			if (pipe_make(p, 1u << 20, &e->budget[1]) < 0)
				goto pipe_fail;
			e->cons_fd = p[0];
			if (e->e.ops->relay_out) {
				e->relay_out_fd = p[1];
				if (e->e.ops->stage_pipe)
					e->e.ops->stage_pipe(&e->e, 1, p[0]);
			} else {
				e->count_in = e->e.rfd;
				e->count_out = p[1];
			}
		} else {
			e->cons_fd = e->e.rfd;
		}
		continue;
pipe_fail:
		msg_errno("edge %d->%d (%s): cannot create relay pipe", e->e.index, e->e.index + 1,
			  transport_name(e->e.spec.kind));
		return -1;
	}
	for (size_t i = 0; i < r->n; i++) {
		r->st[i].in_fd = i > 0 ? r->ed[i - 1].cons_fd : -1;
		r->st[i].out_fd = i + 1 < r->n ? r->ed[i].prod_fd : -1;
	}
	return 0;
}

/* ---- what outlives pipeline_run: edges whose transports want to hear
 * about the consumer's exit and the pipeline's end ------------------------ */

struct kept_edges {
	size_t n;
	struct edge e[];
};

static void kept_edges_finish(void *ctx)
{
	struct kept_edges *k = ctx;
	for (size_t i = 0; i < k->n; i++)
		if (k->e[i].ops && k->e[i].ops->finish)
			k->e[i].ops->finish(&k->e[i]);
	free(k);
}

static void kept_edge_consumer_exit(void *ctx)
{
	struct edge *e = ctx;
	e->ops->consumer_exit(e);
}

/* Keep a copy of the released edges with the job, and hook the consumers. */
static void edges_keep(struct run *r)
{
	bool any = false;
	for (size_t i = 0; i + 1 < r->n; i++)
		any |= r->ed[i].e.ops && (r->ed[i].e.ops->finish || r->ed[i].e.ops->consumer_exit);
	if (!any)
		return;
	struct kept_edges *k = xcalloc(1, sizeof *k + (r->n - 1) * sizeof k->e[0]);
	k->n = r->n - 1;
	for (size_t i = 0; i + 1 < r->n; i++) {
		k->e[i] = r->ed[i].e;
		k->e[i].stats = NULL; /* the shared page is unmapped when pipeline_run returns */
		/* Who writes into the object: the producer, or the counting relay
		 * that --stats put on the producer's side. */
		enum proc_role role = r->ed[i].count_producer ? ROLE_RELAY : ROLE_STAGE;
		for (size_t p = 0; p < r->job->nprocs; p++)
			if (r->job->procs[p].role == role && r->job->procs[p].index == (int)i)
				k->e[i].producer_pid = r->job->procs[p].pid;
	}
	for (size_t i = 1; i < r->n; i++) {
		struct edge *e = &k->e[i - 1];
		if (!e->ops || !e->ops->consumer_exit)
			continue;
		struct proc *pr = NULL;
		for (size_t p = 0; p < r->job->nprocs && !pr; p++)
			if (r->job->procs[p].role == ROLE_STAGE && r->job->procs[p].index == (int)i)
				pr = &r->job->procs[p];
		if (pr && pr->state != PROC_DONE) {
			pr->on_exit = kept_edge_consumer_exit;
			pr->ctx = e;
		} else {
			e->ops->consumer_exit(e); /* the consumer never started, or is gone */
		}
	}
	r->job->cleanup = kept_edges_finish;
	r->job->cleanup_ctx = k;
}

/* ---- process creation ---------------------------------------------------- */

pid_t shell_fork(pid_t pgid, bool foreground)
{
	sigset_t old;
	fflush(NULL);
	sig_block_all(&old);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
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
	pid_t pid = shell_fork(r->pgid, r->fg);
	if (pid > 0)
		note_proc(r, pid, ROLE_STAGE, -1);
	return pid;
}

static _Noreturn void child_exit(int status)
{
	fflush(NULL);
	_exit(status & 0xff);
}

static void spawn_relay(struct run *r, struct redge *e, int side)
{
	pid_t pid = fork_internal(r);
	if (pid < 0) {
		msg_errno("edge %d->%d: cannot start relay", e->e.index, e->e.index + 1);
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
	char what[64];
	snprintf(what, sizeof what, "edge %d->%d (%s)", e->e.index, e->e.index + 1,
		 transport_name(e->e.spec.kind));
	child_exit(relay_count(e->count_in, e->count_out, e->e.stats, what));
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
		return false;
	}
	if (pid > 0) {
		r->job->procs[r->job->nprocs - 1].index = idx;
		return false;
	}
	if ((s->in_fd >= 0 && dup2(s->in_fd, 0) < 0) || (s->out_fd >= 0 && dup2(s->out_fd, 1) < 0) ||
	    fdacts_apply(&s->fa) < 0)
		child_exit(1);
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
	default: return XS(s->bi->fn((int)s->argv.n, s->argv.v));
	}
}

/* Run a built-in, a function, a compound command or a remote stage in a
 * forked child. */
static void spawn_internal(struct run *r, struct rstage *s, int idx)
{
	if (!fork_stage(r, s, idx, 1))
		return;
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

static void spawn_all(struct run *r)
{
	bool *done = arena_alloc(&r->a, r->n * sizeof *done);
	for (size_t i = 0; i < r->n; i++) {
		struct rstage *s = &r->st[i];
		if (done[i])
			continue;
		if (s->preset >= 0) {
			job_set_stage_status(r->job, (int)i, s->preset);
			continue;
		}
		if (s->kind == SK_EXEC)
			spawn_exec(r, s, (int)i);
		else
			spawn_internal(r, s, (int)i);
		fdacts_close_owned(&s->fa);
		/* Once the job's process group exists, the rest may start in parallel. */
		if (i == 0 && (r->pgid || !sh.jobctl))
			spawn_exec_parallel(r, 1, done);
	}
	for (size_t i = 0; i + 1 < r->n; i++) {
		struct redge *e = &r->ed[i];
		if (e->relay_in_fd >= 0)
			spawn_relay(r, e, 0);
		if (e->relay_out_fd >= 0)
			spawn_relay(r, e, 1);
		if (e->count_in >= 0)
			spawn_relay(r, e, 2);
	}
	if (sh.jobctl && r->pgid)
		r->job->pgid = r->pgid;
}

/* ---- the whole pipeline --------------------------------------------------- */

static int classify(struct run *r, struct rstage *s)
{
	s->preset = -1;
	if (s->remote) {
		s->kind = SK_REMOTE;
		if (!s->argv.n) {
			msg_err("@%s: no command for the remote stage", s->remote);
			s->preset = 2;
		}
		return 0;
	}
	if (s->ast->kind != CMD_SIMPLE) {
		s->kind = SK_COMPOUND;
		return 0;
	}
	if (!s->argv.n) {
		s->kind = SK_NONE;
		s->bi = builtin_find("true");
		return 0;
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
		return 0;
	}
	if ((s->bi = builtin_find(name)) && is_special_builtin(name)) {
		s->kind = SK_BUILTIN;
		return 0;
	}
	if (!no_func && (s->fn = func_find(name))) {
		s->kind = SK_FUNC;
		return 0;
	}
	if (s->bi) {
		s->kind = SK_BUILTIN;
		return 0;
	}
	s->kind = SK_EXEC;
	/* `PATH=dir cmd` looks cmd up in the new PATH. */
	const char *path_assign = NULL;
	for (size_t i = 0; i < s->assigns.n; i++)
		if (strncmp(s->assigns.v[i], "PATH=", 5) == 0)
			path_assign = s->assigns.v[i] + 5;
	size_t mark = path_assign ? var_journal_begin() : 0;
	if (path_assign && var_set("PATH", path_assign, 0) < 0) { /* a readonly PATH stays */ }
	int st = std_path ? lookup_std(&r->a, name, &s->path) : lookup(&r->a, name, &s->path);
	if (path_assign)
		var_journal_rollback(mark);
	if (st)
		s->preset = st;
	return 0;
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
			const struct redge *e = &r->ed[p->index - 1];
			msg_err("edge %d->%d (%s): relay killed by signal %d (%s)", p->index, p->index + 1,
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
	int status = job_status(r->job, sh.opt_pipefail);
	if (relay_verdict(r) && status == 0)
		status = 1;
	if (sh.stats != STATS_NONE && r->n > 1) {
		struct edge **ev = arena_alloc(&r->a, (r->n - 1) * sizeof *ev);
		for (size_t i = 0; i + 1 < r->n; i++)
			ev[i] = &r->ed[i].e;
		stats_print(r->p->text, ev, r->n - 1, now_ns() - r->t0);
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
	fflush(stdout); /* built-ins write to their fds; anything else must not move */
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
	struct xs x = run_here(s0, flags);
	for (size_t i = s0->assigns.n; !special && i-- > 0;)
		builtin_unassign(&saved[i]);
	fflush(stdout);
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
static int run_job(struct run *r, bool background)
{
	if (edges_prepare(r) < 0) {
		for (size_t i = 0; i < r->n; i++)
			fdacts_close_owned(&r->st[i].fa);
		edges_release(r);
		for (size_t i = 0; i + 1 < r->n; i++)
			if (r->ed[i].released && r->ed[i].e.ops->finish)
				r->ed[i].e.ops->finish(&r->ed[i].e);
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
	spawn_all(r);
	pipeline_fault("spawned");
	if (devnull >= 0)
		close(devnull);
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

static bool runs_here(const struct rstage *s)
{
	return s->kind == SK_BUILTIN || s->kind == SK_FLOW || s->kind == SK_FUNC ||
	       (s->kind == SK_COMPOUND && s->ast->kind != CMD_SUBSHELL);
}

/* Can the lone program of s end this forked shell by exec'ing in its place
 * (EV_LAST), as sh does, instead of forking once more and waiting? Not if
 * anything must happen after it: a trap, a '!', `time`, --stats, job control. */
static bool exec_in_place_ok(const struct run *r, const struct rstage *s, bool last)
{
	if (!last || !sh.in_subshell || r->n != 1 || s->kind != SK_EXEC || s->preset >= 0 ||
	    r->p->bang || r->p->timed || sh.stats || sh.jobctl)
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
	struct run r = {.p = p, .n = p->nstages, .fg = !background, .flags = flags, .t0 = now_ns()};
	struct xs x = XS(1);
	r.st = arena_alloc(&r.a, r.n * sizeof *r.st);
	r.ed = r.n > 1 ? arena_alloc(&r.a, (r.n - 1) * sizeof *r.ed) : NULL;
	sh.cmdsub_status = 0; /* an assignment-only command's status is its last $(...)'s */
	static int lineno_set;
	if (p->line > 0 && p->line != lineno_set && !var_readonly("LINENO")) {
		char lineno[24]; /* LINENO: the line of the pipeline about to run, as in sh */
		fmt_long(lineno, p->line);
		if (var_set("LINENO", lineno, 0) < 0) { /* not readonly */ }
		lineno_set = p->line;
	}
	const struct ast_cmd *c0 = &p->stages[0];
	bool only_assigns = r.n == 1 && c0->kind == CMD_SIMPLE && !c0->nwords && !c0->remote;
	/* A background job runs in a subshell environment: what its
	 * expansions assign (`echo ${b=2} &`) does not stay. */
	size_t mark = background ? var_journal_begin() : 0;
	bool expanded = true;
	for (size_t i = 0; i < r.n && expanded; i++) {
		r.st[i].ast = &p->stages[i];
		r.st[i].in_fd = r.st[i].out_fd = -1;
		expanded = expand_stage(&r, &r.st[i], only_assigns && !background) == 0;
	}
	if (background)
		var_journal_rollback(mark);
	if (!expanded) {
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
		if (redir_prepare(&r.a, s0->ast->redirs, &s0->fa) < 0)
			goto out;
		x.status = run_assignments_only(&r, s0) ? 1 : sh.cmdsub_status;
		goto out;
	}
	for (size_t i = 0; i < r.n; i++) {
		classify(&r, &r.st[i]);
		if (r.st[i].preset < 0 && redir_prepare(&r.a, r.st[i].ast->redirs, &r.st[i].fa) < 0)
			r.st[i].preset = 1;
	}
	if (!background && exec_in_place_ok(&r, s0, last)) {
		x.status = exec_in_place(&r, s0);
		goto out;
	}
	if (r.n == 1 && !background && runs_here(s0)) {
		if (s0->preset >= 0)
			x.status = s0->preset;
		else
			x = run_lone_here(&r, s0, flags);
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
	if (r.stats)
		munmap(r.stats, (r.n - 1) * sizeof *r.stats);
	arena_free(&r.a);
	return x;
}
