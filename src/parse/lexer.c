/* lexer.c — source bytes to tokens: words (kept raw), operators, edges,
 * redirections, and here-document bodies read after each newline. */
#include "lex.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lex_init(struct lexer *lx, struct arena *a, const char *src, size_t len, int first_line,
	      int depth, struct parse_error *err)
{
	memset(lx, 0, sizeof *lx);
	lx->a = a;
	lx->src = src;
	lx->len = len;
	lx->depth = depth;
	lx->line = first_line;
	lx->first_line = first_line;
	lx->err = err;
}

void lex_finish(struct lexer *lx)
{
	free(lx->docs);
	lx->docs = NULL;
	sb_free(&lx->tmp);
}

void lex_error(struct lexer *lx, int line, int col, bool incomplete, const char *fmt, ...)
{
	if (lx->failed)
		return;
	lx->failed = true;
	lx->err->line = line;
	lx->err->column = col;
	lx->err->incomplete = incomplete;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lx->err->msg, sizeof lx->err->msg, fmt, ap);
	va_end(ap);
}

void lex_where(struct lexer *lx, size_t off, int *line, int *col)
{
	if (off > lx->len)
		off = lx->len;
	/* Offsets are asked for in increasing order, so counting newlines
	 * incrementally keeps the whole parse linear. */
	for (; lx->synced < off; lx->synced++) {
		if (lx->src[lx->synced] == '\n') {
			lx->line++;
			lx->line_start = lx->synced + 1;
		}
	}
	if (off >= lx->line_start) {
		*line = lx->line;
		*col = (int)(off - lx->line_start + 1 > INT_MAX ? INT_MAX : off - lx->line_start + 1);
		return;
	}
	/* Rare (errors only): an offset behind the synced point; count again. */
	int l = lx->first_line;
	size_t ls = 0;
	for (size_t i = 0; i < off; i++) {
		if (lx->src[i] == '\n') {
			l++;
			ls = i + 1;
		}
	}
	*line = l;
	*col = (int)(off - ls + 1 > INT_MAX ? INT_MAX : off - ls + 1);
}

static void error_at(struct lexer *lx, size_t off, bool incomplete, const char *what)
{
	int line, col;
	lex_where(lx, off, &line, &col);
	lex_error(lx, line, col, incomplete, "syntax error: %s", what);
}

void lex_add_doc(struct lexer *lx, struct ast_redir *r, bool strip_tabs, int line, int col)
{
	if (lx->ndocs == lx->capdocs) {
		lx->capdocs = lx->capdocs ? 2 * lx->capdocs : 4;
		lx->docs = xrealloc(lx->docs, lx->capdocs * sizeof *lx->docs);
	}
	lx->docs[lx->ndocs++] = (struct pending_doc){ r, strip_tabs, line, col };
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_word_break(char c)
{
	return is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' ||
	       c == ')' || c == '<' || c == '>';
}

/* A here-document's body is read: keep it, and its typed word. */
static void doc_done(struct lexer *lx, struct pending_doc *d, struct strbuf *body)
{
	d->r->body = arena_strndup(lx->a, body->buf ? body->buf : "", body->len);
	if (!d->r->body_quoted)
		d->r->bodyw = parse_tree_word(lx->a, d->r->body, body->len, d->line + 1, 1,
					      WORD_F_HEREDOC, lx->depth, lx->check);
	sb_free(body);
}

/* Read one here-document body starting at lx->pos. */
static void read_doc(struct lexer *lx, struct pending_doc *d)
{
	struct strbuf body = { 0 };
	const char *delim = d->r->word;
	size_t dlen = strlen(delim);
	while (lx->pos < lx->len) {
		const char *ls = lx->src + lx->pos;
		const char *nl = memchr(ls, '\n', lx->len - lx->pos);
		const char *le = nl ? nl : lx->src + lx->len;
		if (d->strip_tabs)
			while (ls < le && *ls == '\t')
				ls++;
		lx->pos = nl ? (size_t)(nl - lx->src) + 1 : lx->len;
		if ((size_t)(le - ls) == dlen && memcmp(ls, delim, dlen) == 0) {
			doc_done(lx, d, &body);
			return;
		}
		sb_add(&body, ls, (size_t)(le - ls) + (nl ? 1 : 0));
	}
	if (!lx->more) {
		/* The end of a script ends the body, as in dash and bash. */
		doc_done(lx, d, &body);
		return;
	}
	sb_free(&body);
	lex_error(lx, d->line, d->col, true, "syntax error: here-document '%.60s' has no end line",
		  delim);
}

static void read_docs(struct lexer *lx)
{
	for (size_t i = 0; i < lx->ndocs && !lx->failed; i++)
		read_doc(lx, &lx->docs[i]);
	lx->ndocs = 0;
}

/* The body of a $( ) or of a process substitution, its text from in (the
 * construct opening at open, named what in messages): one parse with the
 * real grammar finds the ')' that closes it and checks it. Only the
 * verdict matters here: the tree of the word (parse_tree_word) parses the
 * text again, so this one is a check (no typed words, so nesting stays
 * linear) in a scratch arena. Returns the offset of the ')' from in, or
 * -1 with the error recorded. */
static long paren_body(struct lexer *lx, size_t open, size_t in, const char *what)
{
	int line, col;
	lex_where(lx, in, &line, &col);
	struct parse_error sub;
	struct arena scratch = { 0 };
	long r = parse_paren_end(&scratch, lx->src + in, lx->len - in, line, lx->depth + 1, &sub);
	arena_free(&scratch);
	if (r == -2) {
		error_at(lx, open, false, "nesting too deep");
		return -1;
	}
	if (r < 0) {
		if (sub.incomplete) {
			char msg[32];
			snprintf(msg, sizeof msg, "unterminated '%s'", what);
			error_at(lx, open, true, msg);
			return -1;
		}
		if (sub.line == line)
			sub.column += col - 1;
		lex_error(lx, sub.line, sub.column, false, "%s", sub.msg);
		return -1;
	}
	return r;
}

/* $( ... ) with '$' at open and its text from in: append it verbatim and
 * check its inside by parsing it. */
static void word_cmdsubst(struct lexer *lx, size_t open, size_t in)
{
	if (in < lx->len && lx->src[in] == '(') {
		/* $(( )): kept verbatim, evaluated when expanded. */
		long a = scan_arith(lx->src + in + 1, lx->len - in - 1, lx->depth + 1);
		if (a < 0) {
			error_at(lx, open, a == -1, a == -1 ? "unterminated '$(('" : "nesting too deep");
			return;
		}
		sb_add(&lx->tmp, "$((", 3);
		sb_add(&lx->tmp, lx->src + in + 1, (size_t)a + 2);
		lx->pos = in + 1 + (size_t)a + 2;
		return;
	}
	long r = paren_body(lx, open, in, "$(");
	if (r < 0)
		return;
	sb_add(&lx->tmp, "$(", 2);
	sb_add(&lx->tmp, lx->src + in, (size_t)r + 1);
	lx->pos = in + (size_t)r + 1;
}

/* ${ ... } opening at open, text from in: append verbatim. dq: inside "…". */
static void word_brace(struct lexer *lx, size_t open, size_t in, bool dq)
{
	long r = dq ? scan_brace_dq(lx->src + in, lx->len - in, lx->depth)
		    : scan_brace(lx->src + in, lx->len - in, lx->depth);
	if (r < 0) {
		error_at(lx, open, r == -1, r == -2 ? "nesting too deep" : "unterminated '${'");
		return;
	}
	sb_add(&lx->tmp, "${", 2);
	sb_add(&lx->tmp, lx->src + in, (size_t)r + 1);
	lx->pos = in + (size_t)r + 1;
}

/* `...` at open: the old form of $(...). Its command (parse_backquote_body)
 * is checked by parsing it; the word keeps the backquotes as written (the
 * word parser un-escapes the body, knowing whether it is inside "..."). */
static void word_backquote(struct lexer *lx, size_t open)
{
	long r = scan_backtick(lx->src + open + 1, lx->len - open - 1);
	if (r < 0) {
		error_at(lx, open, true, "unterminated '`'");
		return;
	}
	struct strbuf body = {0};
	parse_backquote_body(lx->src + open + 1, (size_t)r, &body);
	int line, col;
	lex_where(lx, open, &line, &col);
	struct parse_error sub;
	struct arena scratch = { 0 };
	bool ok = parse_check_depth(&scratch, body.buf, trim_continuations(body.buf, body.len), line,
				    lx->depth + 1, &sub);
	arena_free(&scratch);
	if (ok) {
		sb_add(&lx->tmp, lx->src + open, (size_t)r + 2);
		lx->pos = open + 1 + (size_t)r + 1;
	} else if (sub.incomplete) {
		int l2, c2;
		lex_where(lx, open + 1 + (size_t)r, &l2, &c2);
		lex_error(lx, l2, c2, false, "syntax error near '`'");
	} else {
		if (sub.line == line)
			sub.column += col;
		lex_error(lx, sub.line, sub.column, false, "%s", sub.msg);
	}
	sb_free(&body);
}

/* <(…), >(…), <[SPEC](…) or >[SPEC](…) at lx->pos, its '(' at paren: a
 * process substitution is part of a word (bash: `cat <(a)`, `x<(a)y`).
 * The spec is checked as an edge's, the body by parsing it; the word
 * keeps the text as written (src/parse/word.c reads it again). */
static void word_procsub(struct lexer *lx, size_t paren)
{
	size_t open = lx->pos;
	if (paren > open + 1) {
		struct edge_spec spec;
		struct errbuf eb;
		if (edge_spec_parse(lx->src + open + 2, paren - open - 3, &spec, &eb) < 0) {
			error_at(lx, open, false, eb.msg);
			return;
		}
		edge_spec_clear(&spec);
	}
	long r = paren_body(lx, open, paren + 1, lx->src[open] == '<' ? "<(" : ">(");
	if (r < 0)
		return;
	size_t end = paren + 1 + (size_t)r + 1;
	sb_add(&lx->tmp, lx->src + open, end - open);
	lx->pos = end;
}

/* A '$' or '`' at lx->pos, inside or outside double quotes. A
 * backslash-newline between '$' and '(' or '{' is a line continuation
 * like any other: dropping it must not change what the word means later. */
static void word_dollar(struct lexer *lx, bool dq)
{
	size_t open = lx->pos, k = open + 1;
	if (lx->src[open] == '`') {
		word_backquote(lx, open);
		return;
	}
	while (k + 2 < lx->len && lx->src[k] == '\\' && lx->src[k + 1] == '\n')
		k += 2;
	char n = k < lx->len ? lx->src[k] : 0;
	if (n == '(')
		word_cmdsubst(lx, open, k + 1);
	else if (n == '{')
		word_brace(lx, open, k + 1, dq);
	else if (n == '$') {
		/* $$ is the shell's pid: the second '$' opens nothing ($$( is
		 * $$ then '(', as in sh), also across a line continuation. */
		sb_add(&lx->tmp, "$$", 2);
		lx->pos = k + 1;
	} else
		sb_addc(&lx->tmp, lx->src[lx->pos++]);
}

/* A backslash at lx->pos: backslash-newline disappears, others stay raw.
 * Returns false at end of input. */
static bool word_backslash(struct lexer *lx)
{
	/* A backslash-newline that ends the input continues onto a line not
	 * read yet at the prompt: report it as incomplete. At the end of a
	 * script it joins nothing, and a lone '\\' there is dropped (as
	 * dash and bash; bash for the '\\'). */
	if (lx->pos + 1 >= lx->len) {
		if (lx->more)
			return false;
		lx->pos++;
		return true;
	}
	bool nl = lx->src[lx->pos + 1] == '\n';
	if (nl && lx->pos + 2 >= lx->len && lx->more)
		return false;
	if (!nl)
		sb_add(&lx->tmp, lx->src + lx->pos, 2);
	lx->pos += 2;
	return true;
}

static void word_dquote(struct lexer *lx)
{
	size_t open = lx->pos;
	sb_addc(&lx->tmp, '"');
	lx->pos++;
	while (lx->pos < lx->len && !lx->failed) {
		char c = lx->src[lx->pos];
		if (c == '"') {
			sb_addc(&lx->tmp, '"');
			lx->pos++;
			return;
		}
		if (c == '\\') {
			if (!word_backslash(lx))
				break;
		} else if (c == '$' || c == '`') {
			word_dollar(lx, true);
		} else {
			sb_addc(&lx->tmp, c);
			lx->pos++;
		}
	}
	if (!lx->failed)
		error_at(lx, open, true, "unterminated double quote");
}

static void word_squote(struct lexer *lx)
{
	const char *q = memchr(lx->src + lx->pos + 1, '\'', lx->len - lx->pos - 1);
	if (!q) {
		error_at(lx, lx->pos, true, "unterminated single quote");
		return;
	}
	size_t end = (size_t)(q - lx->src) + 1;
	sb_add(&lx->tmp, lx->src + lx->pos, end - lx->pos);
	lx->pos = end;
}

/* After a '$' at lx->pos: where the quote of a $'...' is, past any line
 * continuations between them (bash reads `$\⏎'…'` as $'…', and so does
 * the word parser, which drops them first), or 0. */
static size_t ansi_quote_at(const struct lexer *lx)
{
	size_t k = skip_continuations(lx->src, lx->len, lx->pos + 1);
	return k < lx->len && lx->src[k] == '\'' ? k : 0;
}

/* $'...' (unquoted), its quote at q: kept verbatim; a backslash escapes
 * the next character, so \' does not end it. */
static void word_ansi(struct lexer *lx, size_t q)
{
	long r = scan_ansi(lx->src + q + 1, lx->len - q - 1);
	if (r < 0) {
		error_at(lx, lx->pos, true, "unterminated $'");
		return;
	}
	size_t end = q + 1 + (size_t)r + 1;
	sb_add(&lx->tmp, lx->src + lx->pos, end - lx->pos);
	lx->pos = end;
}

static void lex_word(struct lexer *lx, struct token *t)
{
	lx->tmp.len = 0;
	while (lx->pos < lx->len && !lx->failed) {
		char c = lx->src[lx->pos];
		size_t q; /* the quote of a $'...' */
		size_t paren = c == '<' || c == '>' ? scan_procsub_open(lx->src, lx->len, lx->pos) : 0;
		if (paren) {
			word_procsub(lx, paren);
			continue;
		}
		if (is_word_break(c))
			break;
		if (c == '\\') {
			if (!word_backslash(lx))
				error_at(lx, lx->pos, true, "unexpected end of file after '\\'");
		} else if (c == '\'') {
			word_squote(lx);
		} else if (c == '"') {
			word_dquote(lx);
		} else if (c == '$' && (q = ansi_quote_at(lx))) {
			word_ansi(lx, q);
		} else if (c == '$' || c == '`') {
			word_dollar(lx, false);
		} else {
			sb_addc(&lx->tmp, c);
			lx->pos++;
		}
	}
	t->kind = T_WORD;
	t->word = arena_strndup(lx->a, lx->tmp.buf ? lx->tmp.buf : "", lx->tmp.len);
}

/* '<' or '>' at lx->pos, fd already read (or -1). */
/* The position of the next character at or after k that is not part of a
 * line continuation: operators are joined across backslash-newlines, as
 * in sh, where continuations go before tokens are recognised. */
static size_t after_cont(const struct lexer *lx, size_t k)
{
	while (k + 2 < lx->len && lx->src[k] == '\\' && lx->src[k + 1] == '\n')
		k += 2;
	return k;
}

static void lex_redir(struct lexer *lx, struct token *t, int fd)
{
	char c = lx->src[lx->pos];
	size_t i1 = after_cont(lx, lx->pos + 1);
	char n = i1 < lx->len ? lx->src[i1] : 0;
	size_t end = lx->pos + 1;
	if (c == '<') {
		t->op = REDIR_IN;
		if (n == '<') {
			t->op = REDIR_HEREDOC;
			end = i1 + 1;
			size_t i2 = after_cont(lx, end);
			char n2 = i2 < lx->len ? lx->src[i2] : 0;
			if (n2 == '-') {
				t->strip_tabs = true;
				end = i2 + 1;
			} else if (n2 == '<') {
				t->op = REDIR_HERESTR;
				end = i2 + 1;
			}
		} else if (n == '&') {
			t->op = REDIR_DUPIN;
			end = i1 + 1;
		} else if (n == '>') {
			t->op = REDIR_RDWR;
			end = i1 + 1;
		}
	} else if (n == '>') {
		t->op = REDIR_APPEND;
		end = i1 + 1;
	} else if (n == '|') {
		t->op = REDIR_CLOBBER;
		end = i1 + 1;
	} else {
		t->op = n == '&' ? REDIR_DUPOUT : REDIR_OUT;
		if (n == '&')
			end = i1 + 1;
	}
	bool in = t->op == REDIR_IN || t->op == REDIR_DUPIN || t->op == REDIR_HEREDOC ||
		  t->op == REDIR_RDWR || t->op == REDIR_HERESTR;
	t->fd = fd >= 0 ? fd : in ? 0 : 1;
	t->kind = T_REDIR;
	lx->pos = end;
}

/* Digits followed at once by '<' or '>': an fd number for a redirection. */
static bool lex_fd_redir(struct lexer *lx, struct token *t)
{
	size_t i = lx->pos;
	long fd = 0;
	while (i < lx->len && lx->src[i] >= '0' && lx->src[i] <= '9') {
		if (fd <= INT_MAX)
			fd = fd * 10 + (lx->src[i] - '0');
		i = after_cont(lx, i + 1);
	}
	if (i >= lx->len || (lx->src[i] != '<' && lx->src[i] != '>') ||
	    scan_procsub_open(lx->src, lx->len, i))
		return false; /* 2>(cmd) is a word, as in bash */
	if (fd > INT_MAX) {
		error_at(lx, lx->pos, false, "file descriptor number too large");
		return true;
	}
	lx->pos = i;
	lex_redir(lx, t, (int)fd);
	return true;
}

/* '|' at lx->pos: a bare pipe or '|[SPEC]'. */
static void lex_pipe(struct lexer *lx, struct token *t)
{
	t->kind = T_PIPE;
	size_t at = lx->pos;
	lx->pos = after_cont(lx, lx->pos + 1);
	if (lx->pos >= lx->len || lx->src[lx->pos] != '[') {
		t->spec.kind = EDGE_PIPE;
		t->spec.dflt = true;
		return;
	}
	const char *in = lx->src + lx->pos + 1;
	size_t left = lx->len - lx->pos - 1;
	const char *close = memchr(in, ']', left);
	if (!close || memchr(in, '\n', (size_t)(close - in))) {
		error_at(lx, at, false, "missing ']' after '|['");
		return;
	}
	struct errbuf eb;
	if (edge_spec_parse(in, (size_t)(close - in), &t->spec, &eb) < 0) {
		int line, col;
		lex_where(lx, at, &line, &col);
		lex_error(lx, line, col, false, "syntax error: %s", eb.msg);
		return;
	}
	if (t->spec.path) {
		char *p = arena_strdup(lx->a, t->spec.path);
		edge_spec_clear(&t->spec);
		t->spec.path = p;
	}
	lx->pos = (size_t)(close - lx->src) + 1;
}

/* Skip blanks, backslash-newlines and a comment before a token. */
static void skip_space(struct lexer *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->src[lx->pos];
		if (is_blank(c))
			lx->pos++;
		else if (c == '\\' && lx->pos + 1 < lx->len && lx->src[lx->pos + 1] == '\n' &&
			 (lx->pos + 2 < lx->len || !lx->more))
			lx->pos += 2; /* a line continuation (at the end of a script, too) */
		else if (c == '\\' && lx->pos + 1 == lx->len && !lx->more)
			lx->pos++; /* a lone '\\' ending a script: dropped, as bash */
		else if (c == '#') {
			const char *nl = memchr(lx->src + lx->pos, '\n', lx->len - lx->pos);
			lx->pos = nl ? (size_t)(nl - lx->src) : lx->len;
		} else
			break;
	}
}

/* Two-character operators: "cc" gives kind2, "c" alone kind1. */
static void lex_op(struct lexer *lx, struct token *t, enum tok_kind k1, enum tok_kind k2)
{
	char c = lx->src[lx->pos];
	size_t k = after_cont(lx, lx->pos + 1);
	if (k < lx->len && lx->src[k] == c) {
		lx->pos = k + 1;
		t->kind = k2;
	} else {
		lx->pos++;
		t->kind = k1;
	}
}

static void lex_dispatch(struct lexer *lx, struct token *t)
{
	char c = lx->src[lx->pos];
	size_t k;
	switch (c) {
	case '\n':
		t->kind = T_NEWLINE;
		lx->pos++;
		read_docs(lx);
		break;
	case ';':
		lex_op(lx, t, T_SEMI, T_DSEMI);
		/* ;& and ;;& end a case item (bash, POSIX 2024). */
		k = after_cont(lx, lx->pos);
		if (k < lx->len && lx->src[k] == '&' && !(k + 1 < lx->len && lx->src[k + 1] == '&')) {
			t->kind = t->kind == T_SEMI ? T_SEMIAMP : T_DSEMIAMP;
			lx->pos = k + 1;
		}
		break;
	case '&':
		/* bash's '&>' would silently mean "background, then >file" here. */
		k = after_cont(lx, lx->pos + 1);
		if (k < lx->len && lx->src[k] == '>') {
			error_at(lx, lx->pos, false, "'&>' is not supported (write '>file 2>&1')");
			break;
		}
		lex_op(lx, t, T_AMP, T_AND);
		break;
	case '|':
		k = after_cont(lx, lx->pos + 1);
		if (k < lx->len && lx->src[k] == '|')
			lex_op(lx, t, T_PIPE, T_OR);
		else
			lex_pipe(lx, t);
		break;
	case '(': t->kind = T_LPAREN; lx->pos++; break;
	case ')': t->kind = T_RPAREN; lx->pos++; break;
	case '<':
	case '>':
		if (scan_procsub_open(lx->src, lx->len, lx->pos))
			lex_word(lx, t); /* a process substitution starts a word */
		else
			lex_redir(lx, t, -1);
		break;
	default:
		if (!(c >= '0' && c <= '9' && lex_fd_redir(lx, t)))
			lex_word(lx, t);
		break;
	}
}

void lex_next(struct lexer *lx, struct token *t)
{
	memset(t, 0, sizeof *t);
	t->kind = T_EOF;
	if (lx->failed)
		return;
	skip_space(lx);
	t->start = lx->pos;
	lex_where(lx, lx->pos, &t->line, &t->col);
	if (lx->pos >= lx->len) {
		if (lx->ndocs && !lx->more)
			read_docs(lx); /* the end of a script: empty bodies, as in sh */
		else if (lx->ndocs)
			lex_error(lx, lx->docs[0].line, lx->docs[0].col, true,
				  "syntax error: here-document '%.60s' has no body",
				  lx->docs[0].r->word);
		t->end = lx->pos;
		return;
	}
	lex_dispatch(lx, t);
	t->end = lx->pos;
	if (lx->failed)
		t->kind = T_EOF;
}
