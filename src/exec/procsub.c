/* procsub.c — process substitution as nodes of the job's graph.
 *
 * `paste <(sort a) <[shm](sort b)` is a graph of three nodes: the host
 * (paste, node 0) and two substitutions (nodes 1 and 2, labelled 1.<1 and
 * 1.<2), each joined to the host by an edge of its own transport. A
 * substitution is met while the host's words are expanded; then, before
 * anything runs:
 *   - its list is parsed; a list that is one simple or compound command is
 *     that node's command (expanded now, in the host's scope, its variable
 *     assignments undone after), anything else runs in a forked ipcsh;
 *   - its edge is prepared through the transport ops like a pipeline's
 *     (redge_prepare: relays for mq, shm..., a counting relay for --stats);
 *   - the host's end is duplicated to an fd N >= 10, close-on-exec in
 *     ipcsh, and the word gets "/dev/fd/N".
 * Spawning gives the host N at the same number (a dup2(N, N) file action,
 * which clears close-on-exec, or a cleared flag in a forked child) and the
 * node its stdin or stdout; ipcsh then closes every copy, so an end the
 * host never opens is closed when the host exits: the producer sees EPIPE,
 * the consumer EOF, and nothing waits for ever. Every node is a process of
 * the job (same process group, waited for, in `jobs -l`, in pipefail).
 */
#include "procsub.h"
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../job/job.h"
#include "../parse/parse.h"
#include "limits.h"
#include "shell.h"

/* A bound on one job's substitutions, so a runaway loop of words fails
 * before it exhausts fds (each takes two to four while it is prepared). */
#define PROCSUB_MAX 256

struct psub {
	struct rstage st;          /* the node's command */
	struct redge ed;           /* its edge to the host */
	int host;                  /* node whose word holds it */
	bool out;                  /* >(…): the host writes */
	int host_fd;               /* the host's end in ipcsh (>= 10), -1 once closed */
	char label[40];            /* "2.<1" */
	struct edge_stats *stats;  /* MAP_SHARED page of its own */
};

static struct procsub_scope *cur;

static char *expand_hook(struct arena *a, const struct word_part *p);

void procsub_open(struct run *r, struct procsub_scope *sc)
{
	sc->r = r;
	sc->host = 0;
	sc->prev = cur;
	cur = sc;
	expand_procsub = expand_hook;
}

void procsub_host(struct procsub_scope *sc, int node)
{
	sc->host = node;
}

void procsub_close(struct procsub_scope *sc)
{
	cur = sc->prev;
	expand_procsub = cur ? expand_hook : NULL;
}

void procsub_forget(void)
{
	cur = NULL;
	expand_procsub = NULL;
}

static const char *node_label(const struct run *r, int node, char *buf, size_t len)
{
	if (node < (int)r->n) {
		if (len >= 24)
			fmt_long(buf, node + 1 + r->label_base);
		else
			snprintf(buf, len, "%d", node + 1 + r->label_base);
		return buf;
	}
	return r->subs[node - (int)r->n]->label;
}

/* The command a substitution's list runs as: the command itself when the
 * list is one command, else the list in a subshell. */
static const struct ast_cmd *node_command(struct arena *a, struct ast_script *sc, const char *text,
					  int line)
{
	if (sc->nitems == 1 && !sc->items[0].background && sc->items[0].andor.n == 1) {
		const struct ast_pipeline *pl = &sc->items[0].andor.pipes[0];
		if (pl->nstages == 1 && !pl->bang)
			return &pl->stages[0];
	}
	struct ast_cmd *c = arena_alloc(a, sizeof *c);
	c->kind = CMD_SUBSHELL;
	c->u.body = sc;
	c->text = (char *)text;
	c->line = line;
	return c;
}

/* Expand, classify and open the redirections of a simple node now, as a
 * pipeline's stages are, in the host's scope; what its words assign is
 * undone (the list runs in a subshell environment). */
static int node_prepare(struct run *r, struct psub *ps)
{
	struct rstage *s = &ps->st;
	int host = cur->host, rc = 0;
	cur->host = s->node;
	if (s->ast->kind == CMD_SIMPLE) {
		size_t mark = var_journal_begin();
		rc = stage_expand(r, s, false);
		var_journal_rollback(mark);
	}
	if (rc == 0) {
		stage_classify(r, s);
		if (s->preset < 0 && redir_prepare(&r->a, s->ast->redirs, &s->fa) < 0)
			s->preset = 1;
	}
	cur->host = host;
	return rc;
}

/* The edge between the node and its host; the host's end moved to an fd
 * of its own >= 10. 0, or -1 after a message. */
static int node_edge(struct run *r, struct psub *ps, const struct edge_spec *written)
{
	struct edge_spec sp = *written;
	if (sp.dflt) /* a bare <( ) is a plain pipe, as in bash (not what -t says) */
		sp = (struct edge_spec){.kind = EDGE_PIPE};
	ps->stats = mmap(NULL, sizeof *ps->stats, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (ps->stats == MAP_FAILED) {
		ps->stats = NULL;
		msg_errno("%s: cannot map edge statistics", ps->label);
		return -1;
	}
	char hbuf[32];
	const char *host = node_label(r, ps->host, hbuf, sizeof hbuf);
	if (snprintf(ps->ed.e.ends, sizeof ps->ed.e.ends, "%.24s->%.24s", ps->out ? host : ps->label,
		     ps->out ? ps->label : host) >= (int)sizeof ps->ed.e.ends) {
		/* deep nesting: a shortened name in messages */
	}
	if (redge_prepare(&ps->ed, &sp, ps->st.node, ps->stats, ps->out ? 0 : 1) < 0)
		return -1;
	int end = ps->out ? ps->ed.prod_fd : ps->ed.cons_fd;
	ps->host_fd = fcntl(end, F_DUPFD_CLOEXEC, 10);
	if (ps->host_fd < 0) {
		int e = errno;
		char note[96];
		msg_err("edge %s: cannot make the host's fd: %s%s", ps->ed.e.ends, strerror(e),
			limit_fd_note(e, note, sizeof note));
		return -1;
	}
	if (ps->out)
		ps->st.in_fd = ps->ed.cons_fd;
	else
		ps->st.out_fd = ps->ed.prod_fd;
	return 0;
}

static struct psub *psub_new(struct run *r, const struct word_part *p)
{
	struct psub *ps = arena_alloc(&r->a, sizeof *ps);
	int host = cur->host, k = 1;
	for (size_t i = 0; i < r->nsubs; i++)
		k += r->subs[i]->host == host;
	/* A for or case stage's redirections: numbered after the
	 * substitutions of its words, which its own graph starts later
	 * (words_graph_open), as --plan numbers them. */
	if (!r->words_host && host < (int)r->n)
		k += compound_word_procsubs(r->st[host].ast);
	char hl[32];
	if (snprintf(ps->label, sizeof ps->label, "%.24s.%c%d", node_label(r, host, hl, sizeof hl),
		     p->u.procsub.out ? '>' : '<', k) >= (int)sizeof ps->label) {
		/* deep nesting: a shortened label */
	}
	ps->host = host;
	ps->out = p->u.procsub.out;
	ps->host_fd = -1;
	ps->st.in_fd = ps->st.out_fd = -1;
	ps->st.preset = -1;
	ps->st.node = (int)(r->n + r->nsubs);
	ps->ed.prod_fd = ps->ed.cons_fd = -1;
	ps->ed.relay_in_fd = ps->ed.relay_out_fd = ps->ed.count_in = ps->ed.count_out = -1;
	if (r->nsubs == r->capsubs) {
		size_t cap = r->capsubs ? 2 * r->capsubs : 4;
		r->subs = arena_realloc(&r->a, r->subs, r->capsubs * sizeof *r->subs,
					cap * sizeof *r->subs);
		r->capsubs = cap;
	}
	r->subs[r->nsubs++] = ps;
	return ps;
}

/* expand_procsub while a scope is open: make the node and its edge, and
 * return the path the host opens. An edge that cannot be prepared fails
 * the pipeline (status 1, nothing starts), not the script. */
static char *expand_hook(struct arena *a, const struct word_part *p)
{
	struct run *r = cur->r;
	if (r->graph_failed) /* an edge already failed: the pipeline will not run */
		return arena_strdup(a, "/dev/null");
	if (r->nsubs >= PROCSUB_MAX) {
		msg_err("%c(%.40s): more than %d process substitutions in one pipeline",
			p->u.procsub.out ? '>' : '<', p->u.procsub.src, PROCSUB_MAX);
		return NULL;
	}
	struct psub *ps = psub_new(r, p);
	struct parse_error err;
	struct ast_script *sc = parse_script(&r->a, p->u.procsub.src, p->u.procsub.len,
					     p->u.procsub.line, &err);
	if (!sc) { /* checked when the script was parsed: an alias changed it */
		msg_err("%s: %s", ps->label, err.msg);
		return NULL;
	}
	char *text = arena_strndup(&r->a, p->u.procsub.src, p->u.procsub.len);
	ps->st.ast = node_command(&r->a, sc, text, p->u.procsub.line);
	if (node_edge(r, ps, &p->u.procsub.spec) < 0) {
		r->graph_failed = true;
		ps->st.preset = 1;
		return arena_strdup(a, "/dev/null");
	}
	if (node_prepare(r, ps) < 0)
		return NULL;
	char path[32];
	snprintf(path, sizeof path, "/dev/fd/%d", ps->host_fd);
	return arena_strdup(a, path);
}

void procsub_spawn_actions(const struct run *r, int node, posix_spawn_file_actions_t *fa)
{
	for (size_t i = 0; i < r->nsubs; i++)
		if (r->subs[i]->host == node && r->subs[i]->host_fd >= 0)
			posix_spawn_file_actions_adddup2(fa, r->subs[i]->host_fd, r->subs[i]->host_fd);
}

void procsub_child_keep(const struct run *r, int node)
{
	for (size_t i = 0; i < r->nsubs; i++)
		if (r->subs[i]->host == node && r->subs[i]->host_fd >= 0 &&
		    fd_set_cloexec(r->subs[i]->host_fd, false) < 0) { /* a bad fd: the open says so */ }
}

/* Name the processes [from, to) of the job for jobs -l. */
static void label_procs(struct job *j, size_t from, const char *what, const char *label)
{
	for (size_t i = from; i < j->nprocs; i++) {
		free(j->procs[i].label);
		j->procs[i].label = xasprintf("%s %s", what, label);
	}
}

static size_t relays_of(const struct redge *e)
{
	return (size_t)(e->relay_in_fd >= 0) + (e->relay_out_fd >= 0) + (e->count_in >= 0);
}

size_t procsub_nprocs(const struct run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nsubs; i++)
		if (r->subs[i]->st.preset < 0)
			n += 1 + relays_of(&r->subs[i]->ed);
	return n;
}

void procsub_spawn(struct run *r)
{
	for (size_t i = 0; i < r->nsubs; i++) {
		struct psub *ps = r->subs[i];
		if (ps->st.preset >= 0)
			continue;
		size_t before = r->job->nprocs;
		stage_spawn(r, &ps->st);
		label_procs(r->job, before, "substitution", ps->label);
		before = r->job->nprocs;
		if (ps->ed.relay_in_fd >= 0)
			spawn_relay(r, &ps->ed, 0);
		if (ps->ed.relay_out_fd >= 0)
			spawn_relay(r, &ps->ed, 1);
		if (ps->ed.count_in >= 0)
			spawn_relay(r, &ps->ed, 2);
		label_procs(r->job, before, "relay of edge", ps->ed.e.ends);
	}
}

void procsub_release(struct run *r)
{
	for (size_t i = 0; i < r->nsubs; i++) {
		struct psub *ps = r->subs[i];
		if (ps->host_fd >= 0)
			close(ps->host_fd);
		ps->host_fd = -1;
		redge_release(&ps->ed);
		fdacts_close_owned(&ps->st.fa);
	}
}

void procsub_hand_to_host(struct run *r, int node)
{
	for (size_t i = 0; i < r->nsubs; i++) {
		struct psub *ps = r->subs[i];
		redge_release(&ps->ed);
		fdacts_close_owned(&ps->st.fa);
		if (ps->host_fd < 0)
			continue;
		if (ps->host != node) {
			close(ps->host_fd);
			ps->host_fd = -1;
		} else if (fd_set_cloexec(ps->host_fd, false) < 0) { /* cannot fail on an open fd */
		}
	}
}

struct redge *procsub_edge(struct run *r, int index, int *prod, int *cons)
{
	struct psub *ps = r->subs[index - (int)r->n];
	*prod = ps->out ? ps->host : ps->st.node;
	*cons = ps->out ? ps->st.node : ps->host;
	return &ps->ed;
}

/* A node's status: its process's, or why it did not start; -1 unknown. */
static int node_status(const struct run *r, int node, int here)
{
	const struct job *j = r->job;
	if (node < (int)r->n) {
		if (!j)
			return here;
		return j->stage_status[node];
	}
	for (size_t i = 0; j && i < j->nprocs; i++)
		if (j->procs[i].role == ROLE_STAGE && j->procs[i].index == node)
			return j->procs[i].state == PROC_DONE ? job_proc_status(j->procs[i].wstatus) : -1;
	return r->subs[node - (int)r->n]->st.preset;
}

/* Plan order: a node, then its substitutions, each followed by its own. */
static void graph_walk(const struct run *r, int node, int here, struct strbuf *sb, int *rightmost)
{
	char buf[32];
	int st = node_status(r, node, here);
	sb_addf(sb, "%s%s=%d", sb->len ? " " : "", node_label(r, node, buf, sizeof buf), st);
	if (st > 0)
		*rightmost = st;
	const char *cw = node < (int)r->n && r->child_words ? r->child_words + (size_t)node * CHILD_WORDS_LEN : "";
	if (*cw) {
		/* a forked for or case stage's own substitutions, in its order */
		sb_addf(sb, " %.*s", (int)strnlen(cw, CHILD_WORDS_LEN), cw);
		for (const char *w = cw; (w = strchr(w, '=')) != NULL; w++)
			if (atoi(w + 1) > 0)
				*rightmost = atoi(w + 1);
	}
	for (size_t i = 0; i < r->nsubs; i++)
		if (r->subs[i]->host == node)
			graph_walk(r, r->subs[i]->st.node, here, sb, rightmost);
}

void procsub_child_words(const struct run *r, char *buf, size_t len)
{
	struct strbuf sb = {0};
	int rightmost = 0;
	sb_add(&sb, "", 0);
	for (size_t i = 0; i < r->nsubs; i++)
		if (r->subs[i]->host == 0)
			graph_walk(r, r->subs[i]->st.node, -1, &sb, &rightmost);
	/* whole words only: a graph too large for the page is cut short */
	size_t n = sb.len;
	while (n >= len) {
		const char *sp = memrchr(sb.buf, ' ', n - 1);
		n = sp ? (size_t)(sp - sb.buf) : 0;
	}
	memcpy(buf, sb.buf, n);
	buf[n] = '\0';
	sb_free(&sb);
}

static bool status_kept;

void procsub_status_keep(void)
{
	status_kept = true;
}

int procsub_status(struct run *r, bool pipefail, int status)
{
	bool kept = status_kept;
	status_kept = false;
	if (!r->nsubs && r->n == 1 && !r->job) {
		if (kept && r->st[0].kind == SK_COMPOUND)
			return status;
		/* A lone command run here, the usual case in a loop: no
		 * formatting machinery (it was 44% of a `while` loop's time). */
		var_graphstatus_lazy("1", 1, status); /* node 0's label */
		return status;
	}
	struct strbuf sb = {0};
	int rightmost = 0;
	sb_add(&sb, "", 0);
	for (size_t i = 0; i < r->n; i++)
		graph_walk(r, (int)i, status, &sb, &rightmost);
	if (var_set("IPCSH_GRAPHSTATUS", sb.buf, 0) < 0) { /* readonly: the message is printed */ }
	sb_free(&sb);
	return pipefail && r->nsubs ? rightmost : status;
}

void procsub_trace(const struct run *r, const char *ps4, struct strbuf *sb)
{
	for (size_t i = 0; i < r->nsubs; i++) {
		const struct psub *ps = r->subs[i];
		const struct edge *e = &ps->ed.e;
		sb_addf(sb, "%s%s %c[%s%s%s](", ps4, ps->label, ps->out ? '>' : '<',
			transport_name(e->spec.kind), e->actual[0] ? ":" : "", e->actual);
		if (ps->st.ast->kind != CMD_SIMPLE) {
			const char *t = ps->st.ast->text ? ps->st.ast->text : "";
			const char *nl = strchr(t, '\n');
			sb_addf(sb, "%.*s%s", nl ? (int)(nl - t) : (int)strlen(t), t, nl ? " ..." : "");
		}
		for (size_t j = 0; j < ps->st.argv.n; j++) {
			if (j)
				sb_addc(sb, ' ');
			sb_add_shquoted(sb, ps->st.argv.v[j]);
		}
		sb_addf(sb, ") /dev/fd/%d\n", ps->host_fd);
	}
}

void procsub_abandon(struct run *r)
{
	procsub_release(r);
	for (size_t i = 0; i < r->nsubs; i++) {
		struct psub *ps = r->subs[i];
		/* Without a job nothing kept the edge to finish it later. */
		if (!r->job && ps->ed.released && ps->ed.e.ops && ps->ed.e.ops->finish) {
			ps->ed.e.ops->finish(&ps->ed.e);
			ps->ed.released = false;
		}
		if (ps->stats)
			munmap(ps->stats, sizeof *ps->stats);
		ps->stats = NULL;
	}
	r->nsubs = 0;
}
