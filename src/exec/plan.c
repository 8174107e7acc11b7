/* plan.c — the plan of a script as data, printed by --plan (text or
 * JSON): stages with their unexpanded words, redirections and remote host,
 * edges with their transport and planned options. Pure: asks the system
 * nothing, runs nothing. */
#include "plan.h"

#include "../parse/word.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../parse/parse.h"
#include "../parse/word.h"
#include "expand.h"

static const char *redir_op_text(enum redir_op op)
{
	switch (op) {
	case REDIR_IN: return "<";
	case REDIR_OUT: return ">";
	case REDIR_APPEND: return ">>";
	case REDIR_DUPOUT: return ">&";
	case REDIR_DUPIN: return "<&";
	case REDIR_CLOSE: return ">&-";
	case REDIR_RDWR: return "<>";
	case REDIR_HERESTR: return "<<<";
	case REDIR_CLOBBER: return ">|";
	default: return "<<";
	}
}

void plan_edge_resolve(const struct edge_spec *written, const struct edge_spec *dflt,
		       struct edge_spec *out)
{
	*out = written->dflt ? *dflt : *written;
}

/* Planned options: what was written, plus the defaults that will be asked for. */
static void planned_options(const struct edge_spec *s, struct strbuf *sb)
{
	struct edge_spec p = *s;
	if (p.kind == EDGE_SHM && !(p.set & EOPT_SIZE)) {
		p.size = 1u << 20;
		p.set |= EOPT_SIZE;
	}
	if (p.kind == EDGE_PIPE && !(p.set & EOPT_SIZE)) {
		p.size = 1u << 20; /* asked for within ipcsh's share of the pipe budget */
		p.set |= EOPT_SIZE;
	}
	struct strbuf t = {0};
	edge_spec_format(&p, &t);
	const char *colon = strchr(t.buf, ':');
	sb_adds(sb, colon ? colon + 1 : "");
	sb_free(&t);
}

static const char *cmd_kind_name(enum cmd_kind k)
{
	static const char *const names[] = {"simple", "group", "subshell", "if",       "while",
					    "until",  "for",   "case",     "function", "arith"};
	return names[k];
}

/* The first line of a compound command's text, for a one-line plan. */
static void add_first_line(struct strbuf *sb, const char *text)
{
	const char *nl = strchr(text, '\n');
	if (nl)
		sb_addf(sb, "%.*s ...", (int)(nl - text), text);
	else
		sb_adds(sb, text);
}

/* ---- the graph of a pipeline: its stages and process substitutions ----- */

/* A node: a stage ("2") or a substitution ("2.<1"), in plan order (a node,
 * then its substitutions, each followed by its own). A substitution whose
 * list is one simple command has that command (its own substitutions are
 * nodes too, as the executor expands it with the job); any other list runs
 * in a forked ipcsh and is planned as pipelines of its own. */
struct gnode {
	char label[40];
	const struct ast_cmd *cmd;    /* the command, or NULL for a list */
	const struct ast_script *list;
	const char *text;             /* the list as written */
	int host;                     /* the node it feeds or reads; -1 for a stage */
	bool out;                     /* >( ): the host writes */
	struct edge_spec spec;        /* the substitution's edge (dflt: a plain pipe) */
};

struct graph {
	struct arena a;               /* parsed words and lists */
	struct gnode *v;
	size_t n, cap;
};

static void graph_cmd_subs(struct graph *g, int host, const struct ast_cmd *c);

static void graph_add_sub(struct graph *g, int host, const struct word_part *p, int k)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 8;
		g->v = arena_realloc(&g->a, g->v, g->n * sizeof *g->v, g->cap * sizeof *g->v);
	}
	int me = (int)g->n++;
	struct gnode *nd = &g->v[me];
	memset(nd, 0, sizeof *nd);
	if (snprintf(nd->label, sizeof nd->label, "%.24s.%c%d", g->v[host].label,
		     p->u.procsub.out ? '>' : '<', k) >= (int)sizeof nd->label) {
		/* deep nesting: a shortened label */
	}
	nd->host = host;
	nd->out = p->u.procsub.out;
	nd->spec = p->u.procsub.spec;
	nd->text = arena_strndup(&g->a, p->u.procsub.src, p->u.procsub.len);
	struct parse_error err;
	const struct ast_script *sc = parse_script(&g->a, p->u.procsub.src, p->u.procsub.len,
						   p->u.procsub.line, &err);
	if (sc && sc->nitems == 1 && !sc->items[0].background && sc->items[0].andor.n == 1 &&
	    sc->items[0].andor.pipes[0].nstages == 1 && !sc->items[0].andor.pipes[0].bang) {
		nd->cmd = &sc->items[0].andor.pipes[0].stages[0];
		if (nd->cmd->kind != CMD_SIMPLE)
			nd->list = sc;
		else
			graph_cmd_subs(g, me, nd->cmd);
	} else {
		nd->list = sc;
	}
}

struct word_subs {
	struct graph *g;
	int host, *k;
};

static void word_sub_add(const struct word_part *p, void *arg)
{
	struct word_subs *ws = arg;
	graph_add_sub(ws->g, ws->host, p, ++*ws->k);
}

/* The substitutions in one word, numbered on from *k (those in the value
 * of a ${x:-…} too: whether that one runs is known only when it does), in
 * the walk the executor numbers them with (expand.c). */
static void graph_word_subs(struct graph *g, int host, const struct word *w, int *k)
{
	struct word_subs ws = {g, host, k};
	(void)word_procsubs_each(w, word_sub_add, &ws);
}

/* A redirection's target is still raw text: parsed here. */
static void graph_raw_subs(struct graph *g, int host, const char *raw, int *k)
{
	if (!strchr(raw, '<') && !strchr(raw, '>'))
		return;
	struct parse_error err;
	graph_word_subs(g, host, word_parse(&g->a, raw, strlen(raw), 1, 1, 0, &err), k);
}

static void graph_redir_subs(struct graph *g, int host, const struct ast_cmd *c, int *k)
{
	for (const struct ast_redir *r = c->redirs; r; r = r->next)
		if (r->word && r->op != REDIR_HEREDOC && r->op != REDIR_CLOSE)
			graph_raw_subs(g, host, r->word, k);
}

/* In the order the executor expands them: words, assignments, redirections. */
static void graph_cmd_subs(struct graph *g, int host, const struct ast_cmd *c)
{
	int k = 0;
	for (size_t i = 0; i < c->nwords; i++)
		graph_word_subs(g, host, c->words[i], &k);
	for (size_t i = 0; i < c->nassigns; i++)
		graph_word_subs(g, host, c->assigns[i], &k);
	graph_redir_subs(g, host, c, &k);
}

/* The nodes of stage i (0-based) into g, which is emptied first. */
static void graph_stage(struct graph *g, const struct ast_pipeline *p, size_t i)
{
	g->n = 0;
	if (!g->cap) {
		g->cap = 8;
		g->v = arena_alloc(&g->a, g->cap * sizeof *g->v);
	}
	struct gnode *nd = &g->v[g->n++];
	memset(nd, 0, sizeof *nd);
	snprintf(nd->label, sizeof nd->label, "%zu", i + 1);
	nd->cmd = &p->stages[i];
	nd->host = -1;
	const struct ast_cmd *c = &p->stages[i];
	int k = 0;
	if (c->kind == CMD_SIMPLE) {
		graph_cmd_subs(g, 0, c);
	} else if (c->kind == CMD_FOR) { /* the list of a for, the word and patterns of a case */
		for (size_t w = 0; w < c->u.for_->nwords; w++)
			graph_word_subs(g, 0, c->u.for_->words[w], &k);
	} else if (c->kind == CMD_CASE) {
		graph_word_subs(g, 0, c->u.case_->word, &k);
		for (size_t it = 0; it < c->u.case_->nitems; it++)
			for (size_t w = 0; w < c->u.case_->items[it].npats; w++)
				graph_word_subs(g, 0, c->u.case_->items[it].pats[w], &k);
	}
	if (c->kind != CMD_SIMPLE) /* a compound command's redirections, after its words' */
		graph_redir_subs(g, 0, c, &k);
}

/* A substitution's edge as planned: a bare <( ) is a plain pipe. */
static struct edge_spec sub_spec(const struct gnode *nd)
{
	if (!nd->spec.dflt)
		return nd->spec;
	struct edge_spec pipe = {.kind = EDGE_PIPE};
	return pipe;
}

static void text_cmd(struct strbuf *sb, const struct ast_cmd *s);

/* The substitutions of stage i, after its line. */
static void text_subs(struct strbuf *sb, struct graph *g)
{
	for (size_t k = 1; k < g->n; k++) {
		const struct gnode *nd = &g->v[k];
		sb_addf(sb, "  node %s:", nd->label);
		if (nd->cmd && !nd->list) {
			text_cmd(sb, nd->cmd);
		} else {
			sb_addc(sb, ' ');
			add_first_line(sb, nd->text);
		}
		struct edge_spec e = sub_spec(nd);
		const char *host = g->v[nd->host].label;
		sb_addf(sb, "\n  edge %s->%s: %s", nd->out ? host : nd->label, nd->out ? nd->label : host,
			transport_name(e.kind));
		struct strbuf o = {0};
		planned_options(&e, &o);
		if (o.len)
			sb_addf(sb, " %s", o.buf);
		sb_free(&o);
		sb_addc(sb, '\n');
	}
}

static void text_pipeline(struct strbuf *sb, struct graph *g, const struct ast_pipeline *p,
			  const struct edge_spec *dflt, int num, const char *conn, bool bg,
			  const char *where)
{
	sb_addf(sb, "pipeline %d (line %d)%s%s%s%s%s: ", num, p->line, conn ? " after " : "",
		conn ? conn : "", bg ? ", background" : "", where ? ", in " : "", where ? where : "");
	add_first_line(sb, p->text ? p->text : "");
	sb_addc(sb, '\n');
	if (p->timed)
		sb_adds(sb, p->timed == TIME_POSIX ? "  timed (time -p)\n" : "  timed (time)\n");
	if (p->bang)
		sb_adds(sb, "  negated (!)\n");
	for (size_t i = 0; i < p->nstages; i++) {
		const struct ast_cmd *s = &p->stages[i];
		if (i) {
			struct edge_spec e;
			plan_edge_resolve(&p->edges[i - 1], dflt, &e);
			sb_addf(sb, "  edge %zu->%zu: %s", i, i + 1, transport_name(e.kind));
			struct strbuf o = {0};
			planned_options(&e, &o);
			if (o.len)
				sb_addf(sb, " %s", o.buf);
			sb_free(&o);
			sb_adds(sb, p->edges[i - 1].dflt ? " (default edge)\n" : "\n");
		}
		sb_addf(sb, "  stage %zu:", i + 1);
		text_cmd(sb, s);
		sb_addc(sb, '\n');
		graph_stage(g, p, i);
		text_subs(sb, g);
	}
}

static void text_cmd(struct strbuf *sb, const struct ast_cmd *s)
{
	if (s->kind != CMD_SIMPLE) {
		sb_addf(sb, " %s: ", cmd_kind_name(s->kind));
		add_first_line(sb, s->text ? s->text : "");
	}
	if (s->remote)
		sb_addf(sb, " @%s", s->remote);
	for (size_t k = 0; k < s->nassigns; k++)
		sb_addf(sb, " %s", s->assigns[k]->raw);
	for (size_t k = 0; k < s->nwords; k++)
		sb_addf(sb, " %s", s->words[k]->raw);
	for (const struct ast_redir *r = s->redirs; r; r = r->next) {
		if (r->op == REDIR_CLOSE)
			sb_addf(sb, " %d>&-", r->fd);
		else
			sb_addf(sb, " %d%s%s", r->fd, redir_op_text(r->op), r->word ? r->word : "");
	}
}

static void json_words(struct strbuf *sb, struct word *const *v, size_t n)
{
	sb_addc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(sb, ',');
		sb_add_json(sb, v[i]->raw);
	}
	sb_addc(sb, ']');
}

static void json_options(struct strbuf *sb, const struct edge_spec *e)
{
	sb_addc(sb, '{');
	const char *sep = "";
	for (const struct opt_desc *d = transport_options(e->kind); d->name; d++) {
		if (!(e->set & d->bit))
			continue;
		sb_addf(sb, "%s\"%s\":", sep, d->name);
		sep = ",";
		switch (d->bit) {
		case EOPT_SIZE: sb_addf(sb, "%llu", (unsigned long long)e->size); break;
		case EOPT_BUF: sb_addf(sb, "%llu", (unsigned long long)e->buf); break;
		case EOPT_MSGSIZE: sb_addf(sb, "%llu", (unsigned long long)e->msgsize); break;
		case EOPT_MAXMSG: sb_addf(sb, "%llu", (unsigned long long)e->maxmsg); break;
		case EOPT_LINES:
		case EOPT_NODELAY:
		case EOPT_SPIN: sb_adds(sb, "true"); break;
		default: sb_add_json(sb, e->path ? e->path : ""); break;
		}
	}
	sb_addc(sb, '}');
}

/* Where graph_edges() writes an edge: JSON's comma, DOT's cluster. */
struct edge_out {
	struct strbuf *sb;
	bool first;
	int num;
};

typedef void edge_fn(struct edge_out *out, const char *from, const char *to,
		     const struct edge_spec *e, bool dflt);

/* Every edge of a pipeline's graph in plan order, from and to as labels:
 * each stage's edge from the one before, then its substitutions' edges.
 * dflt: the edge was written as a bare `|`. */
static void graph_edges(struct graph *g, const struct ast_pipeline *p, const struct edge_spec *dflt,
			edge_fn *fn, struct edge_out *out)
{
	for (size_t i = 0; i < p->nstages; i++) {
		if (i) {
			struct edge_spec e;
			char a[24], b[24];
			plan_edge_resolve(&p->edges[i - 1], dflt, &e);
			snprintf(a, sizeof a, "%zu", i);
			snprintf(b, sizeof b, "%zu", i + 1);
			fn(out, a, b, &e, p->edges[i - 1].dflt);
		}
		graph_stage(g, p, i);
		for (size_t k = 1; k < g->n; k++) {
			const struct gnode *nd = &g->v[k];
			struct edge_spec e = sub_spec(nd);
			const char *host = g->v[nd->host].label;
			fn(out, nd->out ? host : nd->label, nd->out ? nd->label : host, &e, false);
		}
	}
}

/* One edge of the graph as JSON. */
static void json_graph_edge(struct edge_out *out, const char *from, const char *to,
			    const struct edge_spec *e, bool dflt)
{
	struct strbuf *sb = out->sb;
	sb_addf(sb, "%s{\"from\":", out->first ? "" : ",");
	out->first = false;
	sb_add_json(sb, from);
	sb_adds(sb, ",\"to\":");
	sb_add_json(sb, to);
	sb_addf(sb, ",\"transport\":\"%s\",\"default_edge\":%s,\"options\":", transport_name(e->kind),
		dflt ? "true" : "false");
	json_options(sb, e);
	sb_adds(sb, ",\"planned\":");
	struct strbuf o = {0};
	planned_options(e, &o);
	sb_add_json(sb, o.buf ? o.buf : "");
	sb_free(&o);
	sb_addc(sb, '}');
}

/* "nodes" and "graph_edges": every stage and substitution, in plan order. */
static void json_graph(struct strbuf *sb, struct graph *g, const struct ast_pipeline *p,
		       const struct edge_spec *dflt)
{
	sb_adds(sb, ",\"nodes\":[");
	for (size_t i = 0; i < p->nstages; i++) {
		graph_stage(g, p, i);
		for (size_t k = 0; k < g->n; k++) {
			const struct gnode *nd = &g->v[k];
			sb_addf(sb, "%s{\"label\":", i || k ? "," : "");
			sb_add_json(sb, nd->label);
			sb_adds(sb, ",\"host\":");
			if (nd->host >= 0)
				sb_add_json(sb, g->v[nd->host].label);
			else
				sb_adds(sb, "null");
			sb_addf(sb, ",\"direction\":%s,\"kind\":\"%s\",\"argv\":",
				nd->host < 0 ? "null" : nd->out ? "\">\"" : "\"<\"",
				nd->cmd && !(nd->list && nd->host >= 0) ? cmd_kind_name(nd->cmd->kind) : "list");
			if (nd->cmd)
				json_words(sb, nd->cmd->words, nd->cmd->nwords);
			else
				sb_adds(sb, "[]");
			sb_adds(sb, ",\"text\":");
			sb_add_json(sb, nd->text ? nd->text : nd->cmd && nd->cmd->text ? nd->cmd->text : "");
			sb_addc(sb, '}');
		}
	}
	sb_adds(sb, "],\"graph_edges\":[");
	struct edge_out out = {.sb = sb, .first = true};
	graph_edges(g, p, dflt, json_graph_edge, &out);
	sb_addc(sb, ']');
}

static void json_pipeline(struct strbuf *sb, struct graph *g, const struct ast_pipeline *p,
			  const struct edge_spec *dflt, const char *conn, bool bg, const char *where)
{
	sb_addf(sb, "{\"line\":%d,\"text\":", p->line);
	sb_add_json(sb, p->text ? p->text : "");
	sb_adds(sb, ",\"in\":");
	if (where)
		sb_add_json(sb, where);
	else
		sb_adds(sb, "null");
	sb_adds(sb, ",\"connector\":");
	if (conn)
		sb_add_json(sb, conn);
	else
		sb_adds(sb, "null");
	sb_addf(sb, ",\"background\":%s,\"negated\":%s,\"timed\":%s,\"stages\":[", bg ? "true" : "false",
		p->bang ? "true" : "false", p->timed == TIME_POSIX ? "\"posix\"" : p->timed ? "true" : "false");
	for (size_t i = 0; i < p->nstages; i++) {
		const struct ast_cmd *s = &p->stages[i];
		sb_addf(sb, "%s{\"index\":%zu,\"kind\":\"%s\",\"remote\":", i ? "," : "", i + 1,
			cmd_kind_name(s->kind));
		if (s->remote)
			sb_add_json(sb, s->remote);
		else
			sb_adds(sb, "null");
		sb_adds(sb, ",\"assigns\":");
		json_words(sb, s->assigns, s->nassigns);
		sb_adds(sb, ",\"argv\":");
		json_words(sb, s->words, s->nwords);
		sb_adds(sb, ",\"redirects\":[");
		for (const struct ast_redir *r = s->redirs; r; r = r->next) {
			sb_addf(sb, "%s{\"fd\":%d,\"op\":\"%s\",\"target\":", r == s->redirs ? "" : ",", r->fd,
				redir_op_text(r->op));
			sb_add_json(sb, r->word ? r->word : "");
			sb_addc(sb, '}');
		}
		sb_adds(sb, "]}");
	}
	sb_adds(sb, "],\"edges\":[");
	for (size_t i = 0; i + 1 < p->nstages; i++) {
		struct edge_spec e;
		plan_edge_resolve(&p->edges[i], dflt, &e);
		sb_addf(sb, "%s{\"from\":%zu,\"to\":%zu,\"transport\":\"%s\",\"default_edge\":%s,\"options\":",
			i ? "," : "", i + 1, i + 2, transport_name(e.kind), p->edges[i].dflt ? "true" : "false");
		json_options(sb, &e);
		sb_adds(sb, ",\"planned\":");
		struct strbuf o = {0};
		planned_options(&e, &o);
		sb_add_json(sb, o.buf ? o.buf : "");
		sb_free(&o);
		sb_addc(sb, '}');
	}
	sb_addc(sb, ']');
	json_graph(sb, g, p, dflt);
	sb_addc(sb, '}');
}

/* ---- DOT (Graphviz) ------------------------------------------------------- */

static void dot_quoted(struct strbuf *sb, const char *s, size_t max)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < max && s[i]; i++) {
		if (s[i] == '"' || s[i] == '\\')
			sb_addc(sb, '\\');
		if (s[i] == '\n') {
			sb_adds(sb, "\\n");
			continue;
		}
		sb_addc(sb, s[i]);
	}
	sb_addc(sb, '"');
}

static void dot_node(struct strbuf *sb, int num, const struct gnode *nd)
{
	struct strbuf t = {0};
	sb_addf(&t, "%s:", nd->label);
	if (nd->cmd && !(nd->list && nd->host >= 0))
		text_cmd(&t, nd->cmd);
	else
		sb_addf(&t, " (%s)", nd->text);
	sb_addf(sb, "    \"p%d.%s\" [label=", num, nd->label);
	dot_quoted(sb, t.buf, 200);
	sb_adds(sb, nd->host >= 0 ? ", style=dashed];\n" : "];\n");
	sb_free(&t);
}

static void dot_edge(struct edge_out *out, const char *from, const char *to,
		     const struct edge_spec *e, bool dflt)
{
	(void)dflt;
	struct strbuf *sb = out->sb;
	int num = out->num;
	struct strbuf o = {0};
	sb_adds(&o, transport_name(e->kind));
	struct strbuf opts = {0};
	planned_options(e, &opts);
	if (opts.len)
		sb_addf(&o, " %s", opts.buf);
	sb_free(&opts);
	sb_addf(sb, "    \"p%d.%s\" -> \"p%d.%s\" [label=", num, from, num, to);
	dot_quoted(sb, o.buf, 200);
	sb_adds(sb, "];\n");
	sb_free(&o);
}

/* One pipeline as a cluster: its stages and substitutions, its edges. */
static void dot_pipeline(struct strbuf *sb, struct graph *g, const struct ast_pipeline *p,
			 const struct edge_spec *dflt, int num, const char *where)
{
	sb_addf(sb, "  subgraph cluster_p%d {\n    label=", num);
	struct strbuf t = {0};
	sb_addf(&t, "pipeline %d (line %d)%s%s: ", num, p->line, where ? ", in " : "", where ? where : "");
	add_first_line(&t, p->text ? p->text : "");
	dot_quoted(sb, t.buf, 300);
	sb_free(&t);
	sb_adds(sb, ";\n");
	for (size_t i = 0; i < p->nstages; i++) {
		graph_stage(g, p, i);
		for (size_t k = 0; k < g->n; k++)
			dot_node(sb, num, &g->v[k]);
	}
	struct edge_out out = {.sb = sb, .num = num};
	graph_edges(g, p, dflt, dot_edge, &out);
	sb_adds(sb, "  }\n");
}

struct plan_walk {
	struct strbuf *sb;
	const struct edge_spec *dflt;
	enum plan_format fmt;
	int num;
};

static void plan_list(struct plan_walk *w, const struct ast_script *s, const char *where);

/* The lists inside a compound command, each planned with where naming it. */
static void plan_compound(struct plan_walk *w, const struct ast_cmd *c, const char *where)
{
	switch (c->kind) {
	case CMD_GROUP:
	case CMD_SUBSHELL: plan_list(w, c->u.body, where); break;
	case CMD_IF:
		plan_list(w, c->u.if_->cond, where);
		plan_list(w, c->u.if_->then, where);
		if (c->u.if_->els)
			plan_list(w, c->u.if_->els, where);
		break;
	case CMD_WHILE:
	case CMD_UNTIL:
		plan_list(w, c->u.loop->cond, where);
		plan_list(w, c->u.loop->body, where);
		break;
	case CMD_FOR: plan_list(w, c->u.for_->body, where); break;
	case CMD_CASE:
		for (size_t i = 0; i < c->u.case_->nitems; i++)
			plan_list(w, c->u.case_->items[i].body, where);
		break;
	case CMD_FUNCDEF: {
		char *fw = xasprintf("function %s", c->u.func->name);
		plan_compound(w, c->u.func->body, fw);
		free(fw);
		break;
	}
	case CMD_ARITH:
	case CMD_SIMPLE: break;
	}
}

static void plan_list(struct plan_walk *w, const struct ast_script *s, const char *where)
{
	for (size_t i = 0; i < s->nitems; i++) {
		const struct ast_item *it = &s->items[i];
		for (size_t k = 0; k < it->andor.n; k++) {
			const struct ast_pipeline *p = &it->andor.pipes[k];
			const char *conn = k == 0 ? NULL : it->andor.ops[k] == ANDOR_AND ? "&&" : "||";
			int num = ++w->num;
			struct graph g = {0};
			if (w->fmt == PLAN_FMT_JSON) {
				if (num > 1)
					sb_addc(w->sb, ',');
				json_pipeline(w->sb, &g, p, w->dflt, conn, it->background, where);
			} else if (w->fmt == PLAN_FMT_DOT) {
				dot_pipeline(w->sb, &g, p, w->dflt, num, where);
			} else {
				text_pipeline(w->sb, &g, p, w->dflt, num, conn, it->background, where);
			}
			/* Lists of substitutions that run in a forked ipcsh. */
			for (size_t j = 0; j < p->nstages; j++) {
				graph_stage(&g, p, j);
				for (size_t n = 1; n < g.n; n++) {
					if (!g.v[n].list)
						continue;
					char *in = xasprintf("pipeline %d substitution %s", num, g.v[n].label);
					if (g.v[n].cmd)
						plan_compound(w, g.v[n].cmd, in);
					else
						plan_list(w, g.v[n].list, in);
					free(in);
				}
			}
			arena_free(&g.a);
			for (size_t j = 0; j < p->nstages; j++) {
				const struct ast_cmd *c = &p->stages[j];
				if (c->kind == CMD_SIMPLE)
					continue;
				char *inner = c->kind == CMD_FUNCDEF ? NULL
					: xasprintf("pipeline %d stage %zu (%s)", num, j + 1, cmd_kind_name(c->kind));
				plan_compound(w, c, inner);
				free(inner);
			}
		}
	}
}

void plan_format(struct strbuf *sb, const struct ast_script *s, const struct edge_spec *dflt, bool json,
		 const char *name)
{
	plan_format_as(sb, s, dflt, json ? PLAN_FMT_JSON : PLAN_FMT_TEXT, name);
}

void plan_format_as(struct strbuf *sb, const struct ast_script *s, const struct edge_spec *dflt,
		    enum plan_format fmt, const char *name)
{
	struct plan_walk w = {.sb = sb, .dflt = dflt, .fmt = fmt};
	if (fmt == PLAN_FMT_JSON) {
		sb_adds(sb, "{\"script\":");
		sb_add_json(sb, name ? name : "");
		sb_adds(sb, ",\"pipelines\":[");
	} else if (fmt == PLAN_FMT_DOT) {
		sb_adds(sb, "digraph ipcsh {\n  rankdir=LR;\n  node [shape=box];\n  label=");
		dot_quoted(sb, name ? name : "", 200);
		sb_adds(sb, ";\n");
	}
	plan_list(&w, s, NULL);
	if (fmt == PLAN_FMT_JSON)
		sb_adds(sb, "]}\n");
	else if (fmt == PLAN_FMT_DOT)
		sb_adds(sb, "}\n");
}
