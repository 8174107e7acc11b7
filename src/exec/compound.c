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

static struct xs exec_for(const struct ast_for *f, unsigned flags)
{
	flags = not_last(flags);
	if (f->arith)
		return exec_for_arith(f, flags);
	struct arena a = {0};
	struct strvec words = {0};
	if (f->has_in) {
		for (size_t i = 0; i < f->nwords; i++)
			if (expand_word_fields(&a, f->words[i], &words) < 0) {
				arena_free(&a);
				return expansion_failed();
			}
	} else {
		for (int i = 0; i < sh.nparams; i++)
			strvec_push(&a, &words, sh.params[i]);
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
	return loop_end(r, status);
}

static struct xs exec_case(const struct ast_case *cs, unsigned flags)
{
	struct arena a = {0};
	char *word = expand_word_single(&a, cs->word);
	if (!word) {
		arena_free(&a);
		return expansion_failed();
	}
	struct xs r = XS(0);
	bool fall = false;
	for (size_t i = 0; i < cs->nitems; i++) {
		const struct ast_case_item *ci = &cs->items[i];
		bool hit = fall;
		for (size_t k = 0; k < ci->npats && !hit; k++) {
			char *pat = expand_word_pattern(&a, ci->pats[k]);
			if (!pat) {
				arena_free(&a);
				return expansion_failed();
			}
			hit = fnmatch(pat, word, 0) == 0;
		}
		if (!hit)
			continue;
		r = exec_list(ci->body, ci->end == CASE_BREAK ? flags : not_last(flags));
		if (r.ctl != CTL_NONE || ci->end == CASE_BREAK)
			break;
		fall = ci->end == CASE_FALL;
	}
	arena_free(&a);
	sh.status = r.status;
	return r;
}

/* ( list ): a forked copy of the shell; nothing it changes comes back. */
static struct xs exec_subshell(const struct ast_script *body, unsigned flags)
{
	pid_t pid = shell_fork(sh.jobctl ? sh.pgid : 0, false);
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
	case CMD_FOR: return exec_for(c->u.for_, flags);
	case CMD_CASE: return exec_case(c->u.case_, flags);
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
