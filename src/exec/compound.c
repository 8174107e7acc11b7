/* compound.c — compound commands run in this shell: { }, if, while,
 * until, for, case, and function definitions; ( ) forks.
 *
 * Each returns a struct xs. Loops consume break and continue addressed to
 * them (n counts down one per loop), and pass anything else (return, exit,
 * abort, a break for an outer loop) up unchanged. */
#include "shell.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../job/job.h"
#include "expand.h"
#include "pipeline.h"
#include "redir.h"

/* What a loop does with the xs of its body: true to stop looping. *r is
 * rewritten to what the loop itself gives its caller. */
static bool loop_control(struct xs *r)
{
	if (r->ctl == CTL_BREAK) {
		if (--r->n > 0)
			return true; /* for an outer loop */
		*r = XS(r->status);
		return true;
	}
	if (r->ctl == CTL_CONTINUE) {
		if (--r->n > 0) {
			r->ctl = CTL_CONTINUE;
			return true;
		}
		*r = XS(r->status);
		return false;
	}
	return r->ctl != CTL_NONE;
}

/* A loop ends: what it gives its caller is the status of the last body
 * run (0 if none), unless a control code is still travelling up. */
static struct xs loop_end(struct xs r, int status)
{
	sh.loop_depth--;
	if (r.ctl == CTL_NONE)
		r.status = status;
	sh.status = r.status;
	return r;
}

/* A failed expansion: a non-interactive shell ends, an interactive one
 * drops the rest of the line. */
static struct xs expansion_failed(void)
{
	sh.status = 1;
	return (struct xs){.status = 1, .ctl = sh.interactive ? CTL_ABORT : CTL_EXIT};
}

/* Flags for a list that is not the last thing a forked shell runs (a
 * condition, a loop body): not EV_LAST. */
static unsigned not_last(unsigned flags)
{
	return flags & ~(unsigned)EV_LAST;
}

static struct xs exec_if(const struct ast_if *f, unsigned flags)
{
	struct xs r = exec_list(f->cond, not_last(flags) | EV_TESTED);
	if (r.ctl != CTL_NONE)
		return r;
	if (r.status == 0)
		return exec_list(f->then, flags);
	if (f->els)
		return exec_list(f->els, flags);
	sh.status = 0;
	return XS(0);
}

static struct xs exec_loop(const struct ast_loop *l, bool until, unsigned flags)
{
	flags = not_last(flags);
	int status = 0;
	sh.loop_depth++;
	struct xs r = XS(0);
	for (;;) {
		r = exec_list(l->cond, flags | EV_TESTED);
		if (r.ctl != CTL_NONE) {
			if (loop_control(&r))
				break;
			continue;
		}
		if ((r.status == 0) == until)
			break;
		r = exec_list(l->body, flags);
		status = r.status;
		if (loop_control(&r))
			break;
	}
	return loop_end(r, status);
}

/* The value of an arithmetic word ($(( )) of (( )) and for (( ))): 0, or
 * -1 after a message. */
static int arith_value(const struct word *w, long *v)
{
	struct arena a = {0};
	char *t = expand_word_single(&a, w);
	if (t)
		*v = strtol(t, NULL, 10);
	arena_free(&a);
	return t ? 0 : -1;
}

/* (( expression )) (bash): 0 when its value is not 0; 1 when it is, or
 * after an error, which does not end the shell (as in bash). */
static struct xs exec_arith(const struct word *w)
{
	long v = 0;
	int st = w && arith_value(w, &v) < 0 ? 1 : v == 0;
	sh.status = st;
	return XS(st);
}

/* for (( init; cond; step )) (bash): an empty condition is true. */
static struct xs exec_for_arith(const struct ast_for *f, unsigned flags)
{
	long v = 0;
	if (f->init && arith_value(f->init, &v) < 0) {
		sh.status = 1;
		return XS(1);
	}
	sh.loop_depth++;
	struct xs r = XS(0);
	int status = 0;
	for (;;) {
		if (f->cond && arith_value(f->cond, &v) < 0) {
			status = 1;
			break;
		}
		if (f->cond && v == 0)
			break;
		r = exec_list(f->body, flags);
		status = r.status;
		if (loop_control(&r))
			break;
		if (f->step && arith_value(f->step, &v) < 0) {
			status = 1;
			break;
		}
	}
	return loop_end(r, status);
}

/* Whether the words of a for or case command hold a substitution. */
static bool words_have_procsub(struct word *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (word_has_procsub(w[i]))
			return true;
	return false;
}

static struct xs exec_for(const struct ast_cmd *c, unsigned flags)
{
	const struct ast_for *f = c->u.for_;
	flags = not_last(flags);
	if (f->arith)
		return exec_for_arith(f, flags);
	struct arena a = {0};
	struct strvec words = {0};
	struct words_graph *g = NULL;
	if (f->has_in) {
		if (words_have_procsub(f->words, f->nwords))
			g = words_graph_open(c);
		for (size_t i = 0; i < f->nwords; i++)
			if (expand_word_fields(&a, f->words[i], &words) < 0) {
				if (g)
					words_graph_close(g, 1);
				arena_free(&a);
				return expansion_failed();
			}
	} else {
		for (int i = 0; i < sh.nparams; i++)
			strvec_push(&a, &words, sh.params[i]);
	}
	if (g && words_graph_start(g) < 0) { /* an edge failed: the loop does not run */
		words_graph_close(g, 1);
		arena_free(&a);
		sh.status = 1;
		return XS(1);
	}
	sh.loop_depth++;
	struct xs r = XS(0);
	int status = 0;
	for (size_t i = 0; i < words.n; i++) {
		if (var_set(f->name, words.v[i], 0) < 0) {
			r = (struct xs){.status = 1, .ctl = sh.interactive ? CTL_ABORT : CTL_EXIT};
			break;
		}
		r = exec_list(f->body, flags);
		status = r.status;
		if (loop_control(&r))
			break;
	}
	arena_free(&a);
	r = loop_end(r, status);
	if (g)
		r.status = sh.status = words_graph_close(g, r.status);
	return r;
}

/* The first item of cs whose patterns match word (from *k on), or -1;
 * NULL pat: an expansion failed. */
static int case_match(struct arena *a, const struct ast_case *cs, size_t from, const char *word,
		      bool *failed)
{
	for (size_t i = from; i < cs->nitems; i++) {
		const struct ast_case_item *ci = &cs->items[i];
		for (size_t k = 0; k < ci->npats; k++) {
			char *pat = expand_word_pattern(a, ci->pats[k]);
			if (!pat) {
				*failed = true;
				return -1;
			}
			if (fnmatch(pat, word, 0) == 0)
				return (int)i;
		}
	}
	return -1;
}

/* Whether the word or a pattern of cs holds a substitution. */
static bool case_has_procsub(const struct ast_case *cs)
{
	if (word_has_procsub(cs->word))
		return true;
	for (size_t i = 0; i < cs->nitems; i++)
		if (words_have_procsub(cs->items[i].pats, cs->items[i].npats))
			return true;
	return false;
}

int compound_word_procsubs(const struct ast_cmd *c)
{
	int n = 0;
	if (c->kind == CMD_FOR && c->u.for_->has_in) {
		for (size_t i = 0; i < c->u.for_->nwords; i++)
			n += word_procsubs(c->u.for_->words[i]);
	} else if (c->kind == CMD_CASE) {
		n += word_procsubs(c->u.case_->word);
		for (size_t i = 0; i < c->u.case_->nitems; i++)
			for (size_t j = 0; j < c->u.case_->items[i].npats; j++)
				n += word_procsubs(c->u.case_->items[i].pats[j]);
	}
	return n;
}

/* As bash, the substitutions of the word and of the patterns tried live
 * until the case command ends. */
static struct xs exec_case(const struct ast_cmd *c, unsigned flags)
{
	const struct ast_case *cs = c->u.case_;
	struct arena a = {0};
	struct words_graph *g = case_has_procsub(cs) ? words_graph_open(c) : NULL;
	if (g) /* the body's last command comes back: the substitutions are waited for */
		flags = not_last(flags);
	bool failed = false;
	char *word = expand_word_single(&a, cs->word);
	int i = word ? case_match(&a, cs, 0, word, &failed) : -1;
	if (!word || failed) {
		if (g)
			words_graph_close(g, 1);
		arena_free(&a);
		return expansion_failed();
	}
	if (g && words_graph_start(g) < 0) {
		words_graph_close(g, 1);
		arena_free(&a);
		sh.status = 1;
		return XS(1);
	}
	struct xs r = XS(0);
	while (i >= 0) {
		const struct ast_case_item *ci = &cs->items[i];
		r = exec_list(ci->body, ci->end == CASE_BREAK ? flags : not_last(flags));
		if (r.ctl != CTL_NONE || ci->end == CASE_BREAK)
			break;
		if (ci->end == CASE_FALL) {
			i = (size_t)i + 1 < cs->nitems ? i + 1 : -1;
			continue;
		}
		/* ;;& tests the patterns that follow */
		i = case_match(&a, cs, (size_t)i + 1, word, &failed);
		if (failed) {
			r = expansion_failed();
			break;
		}
	}
	arena_free(&a);
	if (g)
		r.status = words_graph_close(g, r.status);
	sh.status = r.status;
	return r;
}

/* ( list ): a forked copy of the shell; nothing it changes comes back. */
static struct xs exec_subshell(const struct ast_script *body, unsigned flags)
{
	pid_t pid = shell_fork(sh.jobctl ? sh.pgid : 0, false, true);
	if (pid < 0) {
		msg_errno("cannot fork a subshell");
		return XS(1);
	}
	if (pid == 0) {
		struct xs r = exec_list(body, flags | EV_LAST);
		shell_exit(r.status);
	}
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR) {
			msg_errno("cannot wait for a subshell");
			return XS(1);
		}
	int st = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	sh.status = st;
	return XS(st);
}

struct xs exec_compound(const struct ast_cmd *c, unsigned flags)
{
	switch (c->kind) {
	case CMD_GROUP: return exec_list(c->u.body, flags);
	case CMD_SUBSHELL: return exec_subshell(c->u.body, not_last(flags));
	case CMD_IF: return exec_if(c->u.if_, flags);
	case CMD_WHILE: return exec_loop(c->u.loop, false, flags);
	case CMD_UNTIL: return exec_loop(c->u.loop, true, flags);
	case CMD_FOR: return exec_for(c, flags);
	case CMD_CASE: return exec_case(c, flags);
	case CMD_FUNCDEF:
		func_define(c);
		sh.status = 0;
		return XS(0);
	case CMD_ARITH: return exec_arith(c->u.arith);
	case CMD_SIMPLE: break;
	}
	return XS(0);
}

struct xs exec_compound_redir(const struct ast_cmd *c, unsigned flags)
{
	if (!c->redirs)
		return exec_compound(c, flags);
	struct arena a = {0};
	struct fdacts fa = {0};
	struct fdsave *saves = NULL;
	size_t nsaves = 0;
	struct xs r = XS(1);
	if (redir_prepare(&a, c->redirs, &fa) == 0) {
		flush_stdout();
		if (fdacts_apply_saved(&a, &fa, &saves, &nsaves) == 0)
			r = exec_compound(c, flags);
		flush_stdout();
		fdacts_restore(saves, nsaves);
		fdacts_close_owned(&fa);
	}
	arena_free(&a);
	return r;
}
