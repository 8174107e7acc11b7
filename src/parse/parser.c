/* parser.c — tokens to the typed tree of ast.h (SPEC §3), recursive
 * descent over the grammar of POSIX XCU 2.10:
 *
 *   list      := item { (';' | '&' | newline) item }
 *   item      := pipeline { ('&&' | '||') linebreak pipeline }
 *   pipeline  := { '!' | 'time' ['-p'] ['--'] } command { edge linebreak command }
 *   command   := simple | compound { redirect } | NAME '(' ')' linebreak compound
 *   compound  := '{' list '}' | '(' list ')' | if | while | until | for | case
 *
 * The first error wins and stops everything; nothing is printed. An error
 * at the end of the input sets parse_error.incomplete, so the REPL reads a
 * continuation line (an open quote, a trailing '|', an 'if' without 'fi').
 *
 * What the tree holds (for the expander and --plan):
 * - words, assignments, redirection targets and here-document bodies are
 *   typed words (word.h), parsed here once, each command substitution with
 *   its program (parse_tree_word); their raw text is the source with only
 *   backslash-newline outside single quotes and outside $( ), ${ } and
 *   `...` removed. The remote host stays raw text.
 * - reserved words are recognised only where POSIX says: as the first word
 *   of a command ('if', '{', 'for'...), as the third word of 'for' and
 *   'case' ('in'), after a list ('then', 'do', 'fi', '}'...). Anywhere else
 *   they are plain words (`echo if fi`).
 * - "!" starts a pipeline only as a whole unquoted word; an '@' word is a
 *   remote only as a simple command's first word.
 * - a here-document's word is its delimiter after quote removal; its body is
 *   the raw lines (each with its '\n'; tabs stripped for <<-), unexpanded.
 * - [n]>&- and [n]<&- become REDIR_CLOSE with word "-".
 * - edges[i].path (fifo:path=) is copied into the arena. */
#include "lex.h"

#include <string.h>

/* Compound commands nested deeper than this are refused with an error,
 * so that neither the parser nor the executor can exhaust the stack. */
#define PARSE_MAX_NEST 400

/* Aliases being substituted: an alias is not expanded again inside its
 * own text (POSIX 2.3.1), which ends at offset end of the source. */
#define ALIAS_MAX_NEST 32

struct parser {
	struct lexer lx;
	struct token tok;  /* the current token */
	size_t last_end;   /* end offset of the last token consumed */
	int nest;          /* compound commands open */
	struct {
		const char *name;
		size_t end;
	} aliases[ALIAS_MAX_NEST];
	int naliases;
	long shift;        /* bytes the substituted aliases added to the source */
	size_t alias_next; /* the last alias's text ended in a blank: the word
			      that starts at or after this offset (+1) is
			      looked up too; 0: none */
};

const char *(*parse_alias_lookup)(const char *name);

static struct ast_script *parse_list(struct parser *p);
static void parse_command(struct parser *p, struct ast_cmd *c);
static bool expand_aliases(struct parser *p);

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

/* The current word token as a word of the tree. */
static struct word *tok_word(struct parser *p, unsigned flags)
{
	return parse_tree_word(p->lx.a, p->tok.word, strlen(p->tok.word), p->tok.line, p->tok.col,
			       flags, p->lx.depth, p->lx.check);
}

static void skip_newlines(struct parser *p)
{
	while (p->tok.kind == T_NEWLINE)
		advance(p);
}

static bool failed(const struct parser *p)
{
	return p->lx.failed;
}

/* The current token as text for a message (not NUL-terminated: *n bytes). */
static void token_text(const struct parser *p, const char **s, int *n)
{
	const struct token *t = &p->tok;
	*s = p->lx.src + t->start;
	*n = (int)(t->end - t->start);
	if (t->kind == T_EOF) {
		*s = "end of file";
		*n = 11;
	} else if (t->kind == T_NEWLINE) {
		*s = "newline";
		*n = 7;
	} else if (t->kind == T_WORD) {
		*s = t->word;
		*n = (int)strlen(t->word);
	}
	if (*n > 40)
		*n = 40;
}

/* "syntax error near 'TOKEN'" for the current token; at the end of the
 * input inside an open compound command, the construct is incomplete (an
 * interactive reader reads on). */
static void unexpected(struct parser *p)
{
	const struct token *t = &p->tok;
	if (t->kind == T_EOF && p->nest > 0) {
		lex_error(&p->lx, t->line, t->col, true, "syntax error: unexpected end of file");
		return;
	}
	const char *s;
	int n;
	token_text(p, &s, &n);
	lex_error(&p->lx, t->line, t->col, false, "syntax error near '%.*s'", n, s);
}

/* Is the current token the unquoted word w? */
static bool at_word(const struct parser *p, const char *w)
{
	return p->tok.kind == T_WORD && strcmp(p->tok.word, w) == 0;
}

/* Consume the reserved word w, or fail. */
static bool expect_word(struct parser *p, const char *w)
{
	if (failed(p))
		return false;
	if (!at_word(p, w)) {
		const char *s;
		int n;
		token_text(p, &s, &n);
		if (p->tok.kind == T_EOF)
			unexpected(p);
		else
			lex_error(&p->lx, p->tok.line, p->tok.col, false,
				  "syntax error near '%.*s' (expected '%s')", n, s, w);
		return false;
	}
	advance(p);
	return true;
}

/* After '|', '&&' or '||': newlines may follow; end of input means "read more". */
static bool expect_continuation(struct parser *p)
{
	skip_newlines(p);
	if (failed(p))
		return false;
	if (p->tok.kind == T_EOF) {
		lex_error(&p->lx, p->tok.line, p->tok.col, true, "syntax error: unexpected end of file");
		return false;
	}
	return true;
}

/* Reserved words that end a list when they come where a command would. */
static bool is_list_end(const struct token *t)
{
	static const char *const words[] = {"then", "else", "elif", "fi", "do", "done", "esac", "}"};
	if (t->kind != T_WORD)
		return t->kind == T_EOF || t->kind == T_RPAREN || t->kind == T_DSEMI ||
		       t->kind == T_SEMIAMP || t->kind == T_DSEMIAMP;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(t->word, words[i]) == 0)
			return true;
	return false;
}

static bool starts_command(const struct token *t)
{
	return (t->kind == T_WORD && !is_list_end(t)) || t->kind == T_REDIR || t->kind == T_LPAREN;
}

static bool is_name_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* NAME=... (or bash's NAME+=...) with NAME a shell identifier, unquoted. */
static bool is_assignment(const char *w)
{
	if (!is_name_char(*w, true))
		return false;
	for (w++; *w != '=' && !(w[0] == '+' && w[1] == '='); w++)
		if (!is_name_char(*w, false))
			return false;
	return true;
}

static bool word_is_name(const char *w)
{
	if (!is_name_char(*w, true))
		return false;
	for (w++; *w; w++)
		if (!is_name_char(*w, false))
			return false;
	return true;
}

/* A function's name: a shell identifier, or (as bash) any unquoted word
 * without expansions, such as foo-bar or a.b. */
static bool is_func_name(const char *w)
{
	if (!*w || strchr("0123456789", *w))
		return word_is_name(w);
	for (; *w; w++)
		if (strchr("$`'\"\\=/~*?[]", *w))
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
		r->target = tok_word(p, 0);
		if ((r->op == REDIR_DUPIN || r->op == REDIR_DUPOUT) && strcmp(w, "-") == 0)
			r->op = REDIR_CLOSE;
	}
	**tail = r;
	*tail = &r->next;
	advance(p);
}

/* Redirections after a compound command: `done < f`, `} 2>&1 >out`. */
static void parse_redirs(struct parser *p, struct ast_cmd *c)
{
	struct ast_redir **tail = &c->redirs;
	while (*tail)
		tail = &(*tail)->next;
	while (!failed(p) && p->tok.kind == T_REDIR)
		parse_redir(p, &tail);
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

static char *source_text(struct parser *p, size_t start)
{
	size_t end = p->last_end > start ? p->last_end : start;
	const char *s = p->lx.src;
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n'))
		end--;
	return arena_strndup(p->lx.a, s + start, end - start);
}

/* A list that must hold at least one command (POSIX's compound_list),
 * ended by the reserved word end (consumed). */
static struct ast_script *parse_body(struct parser *p, const char *end)
{
	struct ast_script *l = parse_list(p);
	if (failed(p))
		return l;
	if (!l->nitems) {
		unexpected(p);
		return l;
	}
	expect_word(p, end);
	return l;
}

static void parse_if(struct parser *p, struct ast_cmd *c)
{
	struct ast_if *f = arena_alloc(p->lx.a, sizeof *f);
	c->kind = CMD_IF;
	c->u.if_ = f;
	advance(p); /* if or elif */
	f->cond = parse_body(p, "then");
	if (failed(p))
		return;
	f->then = parse_list(p);
	if (failed(p))
		return;
	if (!f->then->nitems) {
		unexpected(p);
		return;
	}
	if (at_word(p, "elif")) {
		/* elif: an if in the else part, closed by the same fi. */
		struct ast_cmd *inner = arena_alloc(p->lx.a, sizeof *inner);
		size_t start = p->tok.start;
		inner->line = p->tok.line;
		inner->col = p->tok.col;
		parse_if(p, inner);
		if (failed(p))
			return;
		inner->text = source_text(p, start);
		f->els = arena_alloc(p->lx.a, sizeof *f->els);
		f->els->nitems = 1;
		f->els->items = arena_alloc(p->lx.a, sizeof *f->els->items);
		struct ast_item *it = f->els->items;
		it->line = inner->line;
		it->andor.n = 1;
		it->andor.ops = arena_alloc(p->lx.a, sizeof *it->andor.ops);
		it->andor.pipes = arena_alloc(p->lx.a, sizeof *it->andor.pipes);
		it->andor.pipes[0].nstages = 1;
		it->andor.pipes[0].stages = inner;
		it->andor.pipes[0].line = inner->line;
		it->text = it->andor.pipes[0].text = inner->text;
		return; /* the inner if consumed the fi */
	}
	if (at_word(p, "else")) {
		advance(p);
		f->els = parse_body(p, "fi");
		return;
	}
	expect_word(p, "fi");
}

static void parse_loop(struct parser *p, struct ast_cmd *c, bool until)
{
	struct ast_loop *l = arena_alloc(p->lx.a, sizeof *l);
	c->kind = until ? CMD_UNTIL : CMD_WHILE;
	c->u.loop = l;
	advance(p);
	l->cond = parse_body(p, "do");
	if (!failed(p))
		l->body = parse_body(p, "done");
}

/* After a '(' token: is it bash's (( expression ))? A second '(' right
 * after it and a '))' that closes the two: returns the length of the
 * expression. -1 otherwise: then it is a subshell in a subshell, as bash
 * reads `((a); (b))`. */
static long arith_paren(struct parser *p)
{
	size_t pos = p->lx.pos;
	if (pos >= p->lx.len || p->lx.src[pos] != '(')
		return -1;
	return scan_dparen(p->lx.src + pos + 1, p->lx.len - pos - 1, NULL, NULL);
}

/* An arithmetic expression s[0..n) as the word "$((s))", expanded and
 * evaluated as $(( )) is; NULL when it is blank. */
static struct word *arith_word(struct parser *p, const char *s, size_t n, int line, int col)
{
	size_t k = 0;
	while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n'))
		k++;
	if (k == n)
		return NULL;
	char *t = arena_alloc(p->lx.a, n + 6);
	memcpy(t, "$((", 3);
	memcpy(t + 3, s, n);
	memcpy(t + 3 + n, "))", 3);
	return parse_tree_word(p->lx.a, t, n + 5, line, col, WORD_F_ARITH, p->lx.depth, p->lx.check);
}

/* Past the "))" of an arithmetic expression of length n that starts after
 * the "((" at the lexer's position - 1. */
static void arith_skip(struct parser *p, long n)
{
	p->lx.pos += 1 + (size_t)n + 2;
	p->tok.end = p->lx.pos; /* what the source text of the command ends at */
	advance(p);
}

/* (( expression )): the current token is the first '('. */
static void parse_arith_cmd(struct parser *p, struct ast_cmd *c, long n)
{
	c->kind = CMD_ARITH;
	c->u.arith = arith_word(p, p->lx.src + p->lx.pos + 1, (size_t)n, p->tok.line, p->tok.col);
	arith_skip(p, n);
}

/* for (( init; cond; step )) [;] do list done (bash): the current token is
 * the first '('. The three expressions are split at the ';'s outside
 * parentheses and quotes. */
static void parse_for_arith(struct parser *p, struct ast_for *f, long n)
{
	const char *s = p->lx.src + p->lx.pos + 1;
	size_t cut[2], ncut = 0;
	(void)scan_dparen(s, (size_t)n + 2, cut, &ncut);
	if (ncut != 2) {
		lex_error(&p->lx, p->tok.line, p->tok.col, false,
			  "syntax error: 'for ((' needs three expressions: init; condition; step");
		return;
	}
	f->arith = true;
	f->init = arith_word(p, s, cut[0], p->tok.line, p->tok.col);
	f->cond = arith_word(p, s + cut[0] + 1, cut[1] - cut[0] - 1, p->tok.line, p->tok.col);
	f->step = arith_word(p, s + cut[1] + 1, (size_t)n - cut[1] - 1, p->tok.line, p->tok.col);
	arith_skip(p, n);
	if (failed(p))
		return;
	if (p->tok.kind == T_SEMI)
		advance(p);
	skip_newlines(p);
	if (expect_word(p, "do"))
		f->body = parse_body(p, "done");
}

static void parse_for(struct parser *p, struct ast_cmd *c)
{
	struct ast_for *f = arena_alloc(p->lx.a, sizeof *f);
	c->kind = CMD_FOR;
	c->u.for_ = f;
	advance(p);
	if (failed(p))
		return;
	long an = p->tok.kind == T_LPAREN ? arith_paren(p) : -1;
	if (an >= 0) {
		parse_for_arith(p, f, an);
		return;
	}
	if (p->tok.kind != T_WORD || !word_is_name(p->tok.word)) {
		if (p->tok.kind == T_WORD)
			lex_error(&p->lx, p->tok.line, p->tok.col, false,
				  "syntax error: '%.40s' is not a valid name for 'for'", p->tok.word);
		else
			unexpected(p);
		return;
	}
	f->name = p->tok.word;
	advance(p);
	skip_newlines(p);
	if (at_word(p, "in")) {
		f->has_in = true;
		advance(p);
		size_t cap = 0;
		while (!failed(p) && p->tok.kind == T_WORD) {
			f->words = grow(p->lx.a, f->words, f->nwords, &cap, sizeof *f->words);
			f->words[f->nwords++] = tok_word(p, WORD_F_ASSIGN_WORD);
			advance(p);
		}
		if (failed(p))
			return;
		if (p->tok.kind != T_SEMI && p->tok.kind != T_NEWLINE) {
			unexpected(p);
			return;
		}
		advance(p);
	} else if (p->tok.kind == T_SEMI) {
		advance(p);
	}
	skip_newlines(p);
	if (expect_word(p, "do"))
		f->body = parse_body(p, "done");
}

/* Patterns of one case item: [(] pat { '|' pat } ')' */
static void parse_patterns(struct parser *p, struct ast_case_item *ci)
{
	size_t cap = 0;
	if (p->tok.kind == T_LPAREN)
		advance(p);
	for (;;) {
		if (failed(p))
			return;
		if (p->tok.kind != T_WORD) {
			unexpected(p);
			return;
		}
		ci->pats = grow(p->lx.a, ci->pats, ci->npats, &cap, sizeof *ci->pats);
		ci->pats[ci->npats++] = tok_word(p, 0);
		advance(p);
		if (p->tok.kind == T_PIPE && p->tok.spec.dflt) {
			advance(p);
			continue;
		}
		if (p->tok.kind == T_RPAREN) {
			advance(p);
			return;
		}
		unexpected(p);
		return;
	}
}

static void parse_case(struct parser *p, struct ast_cmd *c)
{
	struct ast_case *cs = arena_alloc(p->lx.a, sizeof *cs);
	c->kind = CMD_CASE;
	c->u.case_ = cs;
	advance(p);
	if (failed(p))
		return;
	if (p->tok.kind != T_WORD) {
		unexpected(p);
		return;
	}
	cs->word = tok_word(p, 0);
	advance(p);
	skip_newlines(p);
	if (!expect_word(p, "in"))
		return;
	skip_newlines(p);
	size_t cap = 0;
	while (!failed(p) && !at_word(p, "esac")) {
		cs->items = grow(p->lx.a, cs->items, cs->nitems, &cap, sizeof *cs->items);
		struct ast_case_item *ci = &cs->items[cs->nitems++];
		memset(ci, 0, sizeof *ci);
		parse_patterns(p, ci);
		if (failed(p))
			return;
		ci->body = parse_list(p);
		if (failed(p))
			return;
		if (p->tok.kind == T_DSEMI || p->tok.kind == T_SEMIAMP || p->tok.kind == T_DSEMIAMP) {
			ci->end = p->tok.kind == T_DSEMI ? CASE_BREAK :
				  p->tok.kind == T_SEMIAMP ? CASE_FALL : CASE_NEXT;
			advance(p);
			skip_newlines(p);
		} else if (!at_word(p, "esac")) {
			unexpected(p);
			return;
		}
	}
	expect_word(p, "esac");
}

static void parse_group(struct parser *p, struct ast_cmd *c, bool subshell)
{
	c->kind = subshell ? CMD_SUBSHELL : CMD_GROUP;
	advance(p);
	if (!subshell) {
		c->u.body = parse_body(p, "}");
		return;
	}
	c->u.body = parse_list(p);
	if (failed(p))
		return;
	if (!c->u.body->nitems || p->tok.kind != T_RPAREN) {
		unexpected(p);
		return;
	}
	advance(p);
}

/* The current token starts a compound command (reserved word or '('):
 * parse it and its redirections. Returns false if it does not. */
static bool parse_compound(struct parser *p, struct ast_cmd *c)
{
	const struct token *t = &p->tok;
	size_t start = t->start;
	bool sub = t->kind == T_LPAREN;
	if (!sub && t->kind != T_WORD)
		return false;
	const char *w = sub ? "(" : t->word;
	if (!sub && strcmp(w, "{") && strcmp(w, "if") && strcmp(w, "while") && strcmp(w, "until") &&
	    strcmp(w, "for") && strcmp(w, "case"))
		return false;
	if (++p->nest > PARSE_MAX_NEST) {
		lex_error(&p->lx, t->line, t->col, false,
			  "syntax error: compound commands nested too deeply (more than %d)", PARSE_MAX_NEST);
		return true;
	}
	c->line = t->line;
	c->col = t->col;
	long an = sub ? arith_paren(p) : -1;
	if (an >= 0)
		parse_arith_cmd(p, c, an);
	else if (sub || w[0] == '{')
		parse_group(p, c, sub);
	else if (w[0] == 'i')
		parse_if(p, c);
	else if (w[0] == 'w' || w[0] == 'u')
		parse_loop(p, c, w[0] == 'u');
	else if (w[0] == 'f')
		parse_for(p, c);
	else
		parse_case(p, c);
	p->nest--;
	if (!failed(p)) {
		c->text = source_text(p, start);
		parse_redirs(p, c);
	}
	return true;
}

/* NAME ( ) linebreak compound-command: the current token is the ')' . */
static void parse_funcdef_body(struct parser *p, struct ast_cmd *c, const char *name, size_t start)
{
	struct ast_func *f = arena_alloc(p->lx.a, sizeof *f);
	f->name = (char *)name;
	f->body = arena_alloc(p->lx.a, sizeof *f->body);
	skip_newlines(p);
	if (failed(p))
		return;
	if (!parse_compound(p, f->body)) {
		if (p->tok.kind == T_EOF)
			lex_error(&p->lx, p->tok.line, p->tok.col, true,
				  "syntax error: unexpected end of file");
		else
			lex_error(&p->lx, p->tok.line, p->tok.col, false,
				  "syntax error: the body of function '%.40s' must be a compound command", name);
		return;
	}
	c->kind = CMD_FUNCDEF;
	c->u.func = f;
	c->nwords = 0;
	c->words = NULL;
	c->text = source_text(p, start);
}

/* bash's `function NAME [()] compound-command`. */
static void parse_function_kw(struct parser *p, struct ast_cmd *c)
{
	size_t start = p->tok.start;
	c->line = p->tok.line;
	c->col = p->tok.col;
	advance(p);
	if (failed(p))
		return;
	if (p->tok.kind != T_WORD || !is_func_name(p->tok.word)) {
		unexpected(p);
		return;
	}
	const char *name = p->tok.word;
	advance(p);
	if (p->tok.kind == T_LPAREN) {
		advance(p);
		if (p->tok.kind != T_RPAREN) {
			unexpected(p);
			return;
		}
		advance(p);
	}
	parse_funcdef_body(p, c, name, start);
}

static void simple_add_word(struct parser *p, struct ast_cmd *c, size_t *capw, size_t *capa)
{
	/* The command name after assignments, and a word after an alias
	 * whose text ended in a blank, are looked up as aliases too. */
	bool next = p->alias_next && p->tok.start + 1 >= p->alias_next;
	if (next)
		p->alias_next = 0;
	if ((next || (c->nwords == 0 && c->nassigns > 0 && !is_assignment(p->tok.word))) &&
	    expand_aliases(p) && p->tok.kind != T_WORD)
		return;
	/* A NAME=value word, also as an argument (`export PATH=~/bin:$PATH`,
	 * as bash): ~ after the '=' and after each ':'. */
	struct word *w = tok_word(p, WORD_F_ASSIGN_WORD);
	if (c->nwords == 0 && is_assignment(p->tok.word)) {
		c->assigns = grow(p->lx.a, c->assigns, c->nassigns, capa, sizeof *c->assigns);
		c->assigns[c->nassigns++] = w;
	} else {
		c->words = grow(p->lx.a, c->words, c->nwords, capw, sizeof *c->words);
		c->words[c->nwords++] = w;
	}
	advance(p);
}

/* A simple command, or NAME() compound (a function definition). */
static void parse_simple(struct parser *p, struct ast_cmd *c)
{
	size_t start = p->tok.start;
	int line = p->tok.line, col = p->tok.col;
	c->kind = CMD_SIMPLE;
	c->line = line;
	c->col = col;
	if (p->tok.kind == T_WORD && p->tok.word[0] == '@') {
		c->remote = p->tok.word + 1;
		if (!remote_host_ok(c->remote)) {
			lex_error(&p->lx, line, col, false, "syntax error: empty remote host in '@%.60s'",
				  c->remote);
			return;
		}
		advance(p);
	}
	size_t capw = 0, capa = 0;
	struct ast_redir **tail = &c->redirs;
	while (!failed(p)) {
		if (p->tok.kind == T_WORD)
			simple_add_word(p, c, &capw, &capa);
		else if (p->tok.kind == T_REDIR)
			parse_redir(p, &tail);
		else
			break;
	}
	if (failed(p))
		return;
	if (p->tok.kind == T_LPAREN) {
		/* NAME ( ) : a function definition, if nothing else was written. */
		if (c->nwords != 1 || c->nassigns || c->redirs || c->remote ||
		    !is_func_name(c->words[0]->raw)) {
			unexpected(p);
			return;
		}
		struct token open = p->tok;
		advance(p);
		if (p->tok.kind != T_RPAREN) {
			if (!failed(p))
				lex_error(&p->lx, open.line, open.col, false, "syntax error near '('");
			return;
		}
		advance(p);
		parse_funcdef_body(p, c, c->words[0]->raw, start);
		return;
	}
	if (c->remote && c->nwords == 0)
		lex_error(&p->lx, line, col, false, "syntax error: remote stage '@%.60s' has no command",
			  c->remote);
}

/* Is the current word an alias to substitute here? An unquoted word whose
 * alias is not being substituted already. A line continuation inside it
 * is gone from its text (tok.word), and the word is an alias as in sh:
 * `l\⏎p` is `lp`. */
static const char *alias_for(struct parser *p)
{
	if (!parse_alias_lookup || p->tok.kind != T_WORD)
		return NULL;
	const char *w = p->tok.word;
	if (strcspn(w, "'\"\\$`") != strlen(w))
		return NULL; /* quoted */
	while (p->naliases && p->lx.pos > p->aliases[p->naliases - 1].end)
		p->naliases--;
	for (int i = 0; i < p->naliases; i++)
		if (strcmp(p->aliases[i].name, w) == 0)
			return NULL;
	return p->naliases < ALIAS_MAX_NEST ? parse_alias_lookup(w) : NULL;
}

/* Substitute aliases for the current word while there are some (POSIX
 * 2.3.1): the source becomes what precedes the word, the alias's value,
 * and the rest; lexing goes on from the value. Returns whether it did. */
static bool expand_aliases(struct parser *p)
{
	bool any = false;
	const char *v;
	while (!failed(p) && (v = alias_for(p))) {
		size_t at = p->tok.start, vl = strlen(v), rest = p->lx.len - p->tok.end;
		char *src = arena_alloc(p->lx.a, at + vl + rest + 1);
		memcpy(src, p->lx.src, at);
		memcpy(src + at, v, vl);
		memcpy(src + at + vl, p->lx.src + p->tok.end, rest);
		/* Adjust the end offsets of aliases still open in this text. */
		size_t delta_from = p->tok.end;
		for (int i = 0; i < p->naliases; i++)
			if (p->aliases[i].end >= delta_from)
				p->aliases[i].end = p->aliases[i].end + vl - (p->tok.end - at);
		p->aliases[p->naliases].name = p->tok.word;
		p->aliases[p->naliases].end = at + vl;
		p->naliases++;
		p->alias_next = vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t') ? at + vl + 1 : 0;
		p->shift += (long)vl - (long)(p->tok.end - at);
		p->lx.src = src;
		p->lx.len = at + vl + rest;
		p->lx.pos = at;
		if (p->lx.synced > at) {
			/* Line counting passed the word: count again from the top. */
			p->lx.synced = p->lx.line_start = 0;
			p->lx.line = p->lx.first_line;
		}
		lex_next(&p->lx, &p->tok);
		any = true;
	}
	return any;
}

static void parse_command(struct parser *p, struct ast_cmd *c)
{
	p->alias_next = 0;
	expand_aliases(p);
	if (parse_compound(p, c))
		return;
	if (at_word(p, "function")) {
		parse_function_kw(p, c);
		return;
	}
	if (p->tok.kind == T_WORD && (at_word(p, "then") || at_word(p, "else") || at_word(p, "elif") ||
				      at_word(p, "fi") || at_word(p, "do") || at_word(p, "done") ||
				      at_word(p, "esac") || at_word(p, "}") || at_word(p, "in"))) {
		unexpected(p);
		return;
	}
	parse_simple(p, c);
}

/* The words before a pipeline's first command, in any order, as bash takes
 * them: each '!' inverts the status, 'time' [-p] [--] times the pipeline
 * (-p or --: in POSIX's format). Returns whether any was there. */
static bool parse_prefixes(struct parser *p, struct ast_pipeline *pl)
{
	bool any = false;
	while (!failed(p) && (at_word(p, "!") || at_word(p, "time"))) {
		any = true;
		if (at_word(p, "!")) {
			pl->bang = !pl->bang;
			advance(p);
			continue;
		}
		pl->timed = pl->timed ? pl->timed : TIME_BASH;
		advance(p);
		if (!failed(p) && at_word(p, "-p")) {
			pl->timed = TIME_POSIX;
			advance(p);
		}
		if (!failed(p) && at_word(p, "--")) {
			pl->timed = TIME_POSIX;
			advance(p);
		}
	}
	return any;
}

static void parse_pipeline(struct parser *p, struct ast_pipeline *pl)
{
	size_t start = p->tok.start, caps = 0, cape = 0;
	pl->line = p->tok.line;
	if (parse_prefixes(p, pl) && !failed(p) && !starts_command(&p->tok)) {
		/* `time` or `!` alone before a list's end is a null command, as in
		 * bash: `time` prints the times of nothing, `!` returns 1. */
		enum tok_kind k = p->tok.kind;
		if (k == T_NEWLINE || k == T_SEMI || (k == T_EOF && p->nest == 0)) {
			pl->stages = arena_alloc(p->lx.a, sizeof *pl->stages);
			memset(pl->stages, 0, sizeof *pl->stages);
			pl->stages[0].line = p->tok.line;
			pl->stages[0].col = p->tok.col;
			pl->nstages = 1;
			pl->text = source_text(p, start);
			return;
		}
		if (pl->timed || (k == T_EOF && p->nest > 0))
			unexpected(p);
		else
			lex_error(&p->lx, p->tok.line, p->tok.col, false,
				  "syntax error: empty pipeline after '!'");
		return;
	}
	if (failed(p))
		return;
	if (!starts_command(&p->tok)) {
		unexpected(p);
		return;
	}
	for (;;) {
		pl->stages = grow(p->lx.a, pl->stages, pl->nstages, &caps, sizeof *pl->stages);
		struct ast_cmd *c = &pl->stages[pl->nstages++];
		memset(c, 0, sizeof *c);
		parse_command(p, c);
		if (failed(p) || p->tok.kind != T_PIPE)
			break;
		pl->edges = grow(p->lx.a, pl->edges, pl->nstages - 1, &cape, sizeof *pl->edges);
		pl->edges[pl->nstages - 1] = p->tok.spec;
		advance(p);
		if (!expect_continuation(p))
			return;
		if (!starts_command(&p->tok)) {
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
		memset(&ao->pipes[ao->n], 0, sizeof ao->pipes[0]);
		parse_pipeline(p, &ao->pipes[ao->n++]);
		if (failed(p) || (p->tok.kind != T_AND && p->tok.kind != T_OR))
			return;
		op = p->tok.kind == T_AND ? ANDOR_AND : ANDOR_OR;
		advance(p);
		if (!expect_continuation(p))
			return;
	}
}

/* One list item and its terminator (';' and '&' consumed; a newline or
 * anything else is left to the list). Returns whether a ';' or '&' ended it. */
static bool parse_item(struct parser *p, struct ast_item *it)
{
	size_t start = p->tok.start;
	it->line = p->tok.line;
	parse_andor(p, &it->andor);
	if (failed(p))
		return false;
	it->text = source_text(p, start);
	if (p->tok.kind == T_AMP) {
		it->background = true;
		advance(p);
		return true;
	}
	if (p->tok.kind == T_SEMI) {
		advance(p);
		return true;
	}
	return false;
}

/* Items until a token that cannot start a command. */
static struct ast_script *parse_list(struct parser *p)
{
	struct ast_script *sc = arena_alloc(p->lx.a, sizeof *sc);
	size_t cap = 0;
	for (;;) {
		skip_newlines(p);
		if (failed(p) || !starts_command(&p->tok))
			return sc;
		sc->items = grow(p->lx.a, sc->items, sc->nitems, &cap, sizeof *sc->items);
		struct ast_item *it = &sc->items[sc->nitems];
		memset(it, 0, sizeof *it);
		bool separated = parse_item(p, it);
		if (failed(p))
			return sc;
		/* Offsets are into the text as given: an alias substituted
		 * earlier moved what follows it by shift bytes. */
		it->end = (size_t)((long)p->last_end - p->shift);
		sc->nitems++;
		/* After an item not ended by ';' or '&' only a newline or the
		 * end of the list may follow (`{ a; } b` is an error). */
		if (!separated && p->tok.kind != T_NEWLINE && !is_list_end(&p->tok)) {
			unexpected(p);
			return sc;
		}
	}
}

static struct ast_script *parse_all_more(struct arena *a, const char *src, size_t len,
					 int first_line, int depth, bool check, bool more,
					 struct parse_error *err)
{
	memset(err, 0, sizeof *err);
	struct parser p;
	memset(&p, 0, sizeof p);
	lex_init(&p.lx, a, src, len, first_line, depth, err);
	p.lx.check = check;
	p.lx.more = more;
	const char *nul = len ? memchr(src, '\0', len) : NULL;
	if (depth > PARSE_MAX_DEPTH) {
		lex_error(&p.lx, first_line, 1, false, "syntax error: command substitutions nested too deeply");
	} else if (nul) {
		int line, col;
		lex_where(&p.lx, (size_t)(nul - src), &line, &col);
		lex_error(&p.lx, line, col, false, "syntax error: NUL byte in input");
	}
	struct ast_script *sc = NULL;
	if (!p.lx.failed) {
		advance(&p);
		sc = parse_list(&p);
		if (!p.lx.failed && p.tok.kind != T_EOF)
			unexpected(&p);
	}
	lex_finish(&p.lx);
	return p.lx.failed ? NULL : sc;
}

static struct ast_script *parse_all(struct arena *a, const char *src, size_t len, int first_line,
				    int depth, bool check, struct parse_error *err)
{
	return parse_all_more(a, src, len, first_line, depth, check, false, err);
}

struct ast_script *parse_script_depth(struct arena *a, const char *src, size_t len,
				      int first_line, int depth, struct parse_error *err)
{
	return parse_all(a, src, len, first_line, depth, false, err);
}

bool parse_check_depth(struct arena *a, const char *src, size_t len, int first_line, int depth,
		       struct parse_error *err)
{
	return parse_all(a, src, len, first_line, depth, true, err) != NULL;
}

/* Parse the program of every command substitution in the parts. One that
 * does not parse (it parsed when the lexer checked it, so only with other
 * aliases) keeps tree NULL: it is parsed, and its error told, when it runs. */
static void parse_cmdsubs(struct arena *a, struct word_part *pt, int depth)
{
	for (; pt; pt = pt->next) {
		switch (pt->kind) {
		case WORD_DQUOTE:
			parse_cmdsubs(a, pt->u.dq.head, depth);
			break;
		case WORD_PARAM:
			if (pt->u.param.arg)
				parse_cmdsubs(a, pt->u.param.arg->head, depth);
			if (pt->u.param.arg2)
				parse_cmdsubs(a, pt->u.param.arg2->head, depth);
			break;
		case WORD_ARITH:
			parse_cmdsubs(a, pt->u.arith.expr->head, depth);
			break;
		case WORD_CMDSUB: {
			/* A line continuation just before the ')' joins nothing;
			 * the text alone would end inside it. */
			const char *src = pt->u.cmd.src;
			size_t len = trim_continuations(src, pt->u.cmd.len);
			pt->u.cmd.len = len; /* also what runs if this does not parse */
			struct parse_error err;
			pt->u.cmd.tree = parse_all(a, src, len, pt->u.cmd.line, depth + 1, false, &err);
			break;
		}
		default:
			break;
		}
	}
}

struct word *parse_tree_word(struct arena *a, const char *raw, size_t len, int line, int col,
			     unsigned flags, int depth, bool check)
{
	struct parse_error err;
	struct word *w = check ? NULL : word_parse(a, raw, len, line, col, flags, &err);
	if (w) {
		parse_cmdsubs(a, w->head, depth);
		return w;
	}
	w = arena_alloc(a, sizeof *w);
	memset(w, 0, sizeof *w);
	w->raw = arena_strndup(a, raw, len);
	w->rawlen = len;
	w->line = line;
	w->col = col;
	w->bad = !check;
	return w;
}

long parse_paren_end(struct arena *a, const char *src, size_t len, int first_line, int depth,
		     struct parse_error *err)
{
	memset(err, 0, sizeof *err);
	struct parser p;
	memset(&p, 0, sizeof p);
	lex_init(&p.lx, a, src, len, first_line, depth, err);
	p.lx.check = true;
	long r = -1;
	if (depth > PARSE_MAX_DEPTH) {
		lex_error(&p.lx, first_line, 1, false, "syntax error: command substitutions nested too deeply");
		r = -2;
	} else {
		advance(&p);
		(void)parse_list(&p);
		if (!p.lx.failed) {
			if (p.tok.kind == T_RPAREN)
				r = (long)p.tok.start - p.shift; /* an offset in src, before aliases */
			else if (p.tok.kind == T_EOF)
				lex_error(&p.lx, p.tok.line, p.tok.col, true,
					  "syntax error: unexpected end of file");
			else
				unexpected(&p);
		}
	}
	lex_finish(&p.lx);
	return r;
}

struct ast_script *parse_script(struct arena *a, const char *src, size_t len, int first_line,
				struct parse_error *err)
{
	return parse_script_depth(a, src, len, first_line, 0, err);
}

struct ast_script *parse_script_more(struct arena *a, const char *src, size_t len,
				     struct parse_error *err)
{
	return parse_all_more(a, src, len, 1, 0, false, true, err);
}
