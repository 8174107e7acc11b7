/* plan.c — the plan of a script as data, printed by --plan (text or
 * JSON): stages with their unexpanded words, redirections and remote host,
 * edges with their transport and planned options. Pure: asks the system
 * nothing, runs nothing. */
#include "plan.h"

#include "../parse/word.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	static const char *const names[] = {"simple", "group", "subshell", "if", "while",
					    "until", "for", "case", "function"};
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

static void text_pipeline(struct strbuf *sb, const struct ast_pipeline *p, const struct edge_spec *dflt,
			  int num, const char *conn, bool bg, const char *where)
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
		sb_addc(sb, '\n');
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

static void json_pipeline(struct strbuf *sb, const struct ast_pipeline *p, const struct edge_spec *dflt,
			  const char *conn, bool bg, const char *where)
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
	sb_adds(sb, "]}");
}

struct plan_walk {
	struct strbuf *sb;
	const struct edge_spec *dflt;
	bool json;
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
			if (w->json) {
				if (num > 1)
					sb_addc(w->sb, ',');
				json_pipeline(w->sb, p, w->dflt, conn, it->background, where);
			} else {
				text_pipeline(w->sb, p, w->dflt, num, conn, it->background, where);
			}
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
	struct plan_walk w = {.sb = sb, .dflt = dflt, .json = json};
	if (json) {
		sb_adds(sb, "{\"script\":");
		sb_add_json(sb, name ? name : "");
		sb_adds(sb, ",\"pipelines\":[");
	}
	plan_list(&w, s, NULL);
	if (json)
		sb_adds(sb, "]}\n");
}
