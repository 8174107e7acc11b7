/* parser.c — tokens to struct ast_script (SPEC §3), recursive descent:
 * script -> item (and_or) -> pipeline -> stage, edges between stages.
 * The first error wins and stops everything; nothing is printed.
 *
 * What the AST holds (for the expander and --plan):
 * - words, assignments, redirection targets and stage.remote are raw source
 *   text; only backslash-newline outside single quotes and outside $( ),
 *   ${ } and `...` is removed (inside those the text is verbatim, and the
 *   expander's sub-parse removes it). "!" starts a pipeline only as a whole
 *   unquoted word; an '@' word is a remote only as a stage's first word.
 * - a here-document's word is its delimiter after quote removal; its body is
 *   the raw lines (each with its '\n'; tabs stripped for <<-), unexpanded:
 *   unless body_quoted the expander handles $, `, \$ \` \\ and \newline.
 * - [n]>&- and [n]<&- become REDIR_CLOSE with word "-".
 * - edges[i].path (fifo:path=) is copied into the arena.
 * - if/for/while/case and '{' '}' are ordinary words (SPEC §11). */
#include "lex.h"

#include <string.h>

struct parser {
	struct lexer lx;
	struct token tok;  /* the current token */
	size_t last_end;   /* end offset of the last token consumed */
};

static void advance(struct parser *p)
{
	p->last_end = p->tok.end;
	lex_next(&p->lx, &p->tok);
}

/* Make room for one more element of size el in an arena array. */
static void *grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t el)
{
	if (n < *cap)
		return arr;
	size_t nc = *cap ? 2 * *cap : 4;
	arr = arena_realloc(a, arr, n * el, nc * el);
	*cap = nc;
	return arr;
}

static void skip_newlines(struct parser *p)
{
	while (p->tok.kind == T_NEWLINE)
		advance(p);
}

/* "syntax error near 'TOKEN'" for the current token. */
static void unexpected(struct parser *p)
{
	const struct token *t = &p->tok;
	const char *s = p->lx.src + t->start;
	int n = (int)(t->end - t->start);
	if (t->kind == T_EOF) {
		s = "end of file";
		n = 11;
	} else if (t->kind == T_NEWLINE) {
		s = "newline";
		n = 7;
	} else if (t->kind == T_WORD) {
		s = t->word;
		n = (int)strlen(s);
	}
	lex_error(&p->lx, t->line, t->col, false, "syntax error near '%.*s'", n > 40 ? 40 : n, s);
}

/* After '|', '&&' or '||': newlines may follow; end of input means "read more". */
static bool expect_continuation(struct parser *p)
{
	skip_newlines(p);
	if (p->lx.failed)
		return false;
	if (p->tok.kind == T_EOF) {
		lex_error(&p->lx, p->tok.line, p->tok.col, true, "syntax error: unexpected end of file");
		return false;
	}
	return true;
}

static bool starts_stage(const struct token *t)
{
	return t->kind == T_WORD || t->kind == T_REDIR;
}

/* NAME=... with NAME a shell identifier, unquoted. */
static bool is_assignment(const char *w)
{
	if (!((*w >= 'A' && *w <= 'Z') || (*w >= 'a' && *w <= 'z') || *w == '_'))
		return false;
	for (w++; *w != '='; w++)
		if (!((*w >= 'A' && *w <= 'Z') || (*w >= 'a' && *w <= 'z') || *w == '_' ||
		      (*w >= '0' && *w <= '9')))
			return false;
	return true;
}

static void parse_redir(struct parser *p, struct ast_redir ***tail)
{
	struct ast_redir *r = arena_alloc(p->lx.a, sizeof *r);
	r->fd = p->tok.fd;
	r->op = p->tok.op;
	bool strip = p->tok.strip_tabs;
	int line = p->tok.line, col = p->tok.col;
	advance(p);
	if (p->tok.kind != T_WORD) {
		unexpected(p);
		return;
	}
	const char *w = p->tok.word;
	if (r->op == REDIR_HEREDOC) {
		r->word = unquote_delim(p->lx.a, w, &r->body_quoted);
		lex_add_doc(&p->lx, r, strip, line, col);
	} else {
		r->word = p->tok.word;
		if ((r->op == REDIR_DUPIN || r->op == REDIR_DUPOUT) && strcmp(w, "-") == 0)
			r->op = REDIR_CLOSE;
	}
	**tail = r;
	*tail = &r->next;
	advance(p);
}

/* Words that start control flow in sh. ipcsh has none (SPEC §11): running
 * `if` as a command would print three "command not found" lines and run
 * the body half-way, so in command position they are a syntax error. */
static bool is_reserved(const char *w)
{
	static const char *const words[] = {"if", "then", "else", "elif", "fi", "for", "while",
					    "until", "do", "done", "case", "esac", "function",
					    "{", "}", "[[", "select"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

static void stage_add_word(struct parser *p, struct ast_stage *st, size_t *capw, size_t *capa)
{
	char *w = p->tok.word;
	if (st->nwords == 0 && !st->remote && is_reserved(w)) {
		lex_error(&p->lx, p->tok.line, p->tok.col, false,
			  "syntax error: '%s' is not supported (no control flow in ipcsh: use a sh -c '...' stage)",
			  w);
		return;
	}
	if (st->nwords == 0 && is_assignment(w)) {
		st->assigns = grow(p->lx.a, st->assigns, st->nassigns, capa, sizeof(char *));
		st->assigns[st->nassigns++] = w;
	} else {
		st->words = grow(p->lx.a, st->words, st->nwords, capw, sizeof(char *));
		st->words[st->nwords++] = w;
	}
	advance(p);
}

/* The text after '@' names a host: not empty, and for the literal forms
 * "ssh:" and "ssh:USER@" not missing the host either. The rest (ports,
 * brackets) is checked when the stage runs, after expansion. */
static bool remote_host_ok(const char *r)
{
	if (!*r || *r == ':')
		return false;
	if (strncmp(r, "ssh:", 4) != 0)
		return true;
	const char *at = strchr(r + 4, '@');
	const char *host = at ? at + 1 : r + 4;
	return *host != '\0';
}

/* A stage; the current token is a word or a redirection. */
static void parse_stage(struct parser *p, struct ast_stage *st)
{
	int line = p->tok.line, col = p->tok.col;
	st->line = line;
	if (p->tok.kind == T_WORD && p->tok.word[0] == '@') {
		st->remote = p->tok.word + 1;
		if (!remote_host_ok(st->remote)) {
			lex_error(&p->lx, line, col, false, "syntax error: empty remote host in '@%.60s'",
				  st->remote);
			return;
		}
		advance(p);
	}
	size_t capw = 0, capa = 0;
	struct ast_redir **tail = &st->redirs;
	while (!p->lx.failed) {
		if (p->tok.kind == T_WORD)
			stage_add_word(p, st, &capw, &capa);
		else if (p->tok.kind == T_REDIR)
			parse_redir(p, &tail);
		else
			break;
	}
	if (st->remote && st->nwords == 0)
		lex_error(&p->lx, line, col, false, "syntax error: remote stage '@%.60s' has no command",
			  st->remote);
}

static char *source_text(struct parser *p, size_t start)
{
	size_t end = p->last_end > start ? p->last_end : start;
	const char *s = p->lx.src;
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n'))
		end--;
	return arena_strndup(p->lx.a, s + start, end - start);
}

static void parse_pipeline(struct parser *p, struct ast_pipeline *pl)
{
	size_t start = p->tok.start, caps = 0, cape = 0;
	pl->line = p->tok.line;
	if (p->tok.kind == T_WORD && strcmp(p->tok.word, "!") == 0) {
		pl->bang = true;
		advance(p);
		if (!p->lx.failed && !starts_stage(&p->tok)) {
			lex_error(&p->lx, p->tok.line, p->tok.col, false,
				  "syntax error: empty pipeline after '!'");
			return;
		}
	}
	if (!starts_stage(&p->tok)) {
		unexpected(p);
		return;
	}
	for (;;) {
		pl->stages = grow(p->lx.a, pl->stages, pl->nstages, &caps, sizeof *pl->stages);
		parse_stage(p, &pl->stages[pl->nstages++]);
		if (p->lx.failed || p->tok.kind != T_PIPE)
			break;
		pl->edges = grow(p->lx.a, pl->edges, pl->nstages - 1, &cape, sizeof *pl->edges);
		pl->edges[pl->nstages - 1] = p->tok.spec;
		advance(p);
		if (!expect_continuation(p))
			return;
		if (!starts_stage(&p->tok)) {
			unexpected(p);
			return;
		}
	}
	pl->text = source_text(p, start);
}

static void parse_andor(struct parser *p, struct ast_andor *ao)
{
	size_t cap = 0, capo = 0;
	enum andor_op op = ANDOR_NONE;
	for (;;) {
		ao->pipes = grow(p->lx.a, ao->pipes, ao->n, &cap, sizeof *ao->pipes);
		ao->ops = grow(p->lx.a, ao->ops, ao->n, &capo, sizeof *ao->ops);
		ao->ops[ao->n] = op;
		parse_pipeline(p, &ao->pipes[ao->n++]);
		if (p->lx.failed || (p->tok.kind != T_AND && p->tok.kind != T_OR))
			return;
		op = p->tok.kind == T_AND ? ANDOR_AND : ANDOR_OR;
		advance(p);
		if (!expect_continuation(p))
			return;
	}
}

/* One list item and its terminator. */
static void parse_item(struct parser *p, struct ast_item *it)
{
	size_t start = p->tok.start;
	it->line = p->tok.line;
	parse_andor(p, &it->andor);
	if (p->lx.failed)
		return;
	it->text = source_text(p, start);
	switch (p->tok.kind) {
	case T_AMP:
		it->background = true;
		advance(p);
		break;
	case T_SEMI:
		advance(p);
		break;
	case T_NEWLINE:
	case T_EOF:
		break;
	default:
		unexpected(p);
		break;
	}
}

static void parse_items(struct parser *p, struct ast_script *sc)
{
	size_t cap = 0;
	advance(p);
	for (;;) {
		skip_newlines(p);
		if (p->lx.failed || p->tok.kind == T_EOF)
			return;
		if (!starts_stage(&p->tok)) {
			unexpected(p);
			return;
		}
		sc->items = grow(p->lx.a, sc->items, sc->nitems, &cap, sizeof *sc->items);
		struct ast_item *it = &sc->items[sc->nitems];
		parse_item(p, it);
		if (p->lx.failed)
			return;
		sc->nitems++;
	}
}

struct ast_script *parse_script_depth(struct arena *a, const char *src, size_t len,
				      int first_line, int depth, struct parse_error *err)
{
	memset(err, 0, sizeof *err);
	struct parser p;
	memset(&p, 0, sizeof p);
	lex_init(&p.lx, a, src, len, first_line, depth, err);
	const char *nul = len ? memchr(src, '\0', len) : NULL;
	if (depth > PARSE_MAX_DEPTH) {
		lex_error(&p.lx, first_line, 1, false, "syntax error: command substitutions nested too deeply");
	} else if (nul) {
		int line, col;
		lex_where(&p.lx, (size_t)(nul - src), &line, &col);
		lex_error(&p.lx, line, col, false, "syntax error: NUL byte in input");
	}
	struct ast_script *sc = arena_alloc(a, sizeof *sc);
	if (!p.lx.failed)
		parse_items(&p, sc);
	lex_finish(&p.lx);
	return p.lx.failed ? NULL : sc;
}

struct ast_script *parse_script(struct arena *a, const char *src, size_t len, int first_line,
				struct parse_error *err)
{
	return parse_script_depth(a, src, len, first_line, 0, err);
}
