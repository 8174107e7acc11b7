/* expand.h — word expansion (SPEC §3, POSIX XCU 2.6): tilde, parameters,
 * command substitution, arithmetic, field splitting, pathname expansion,
 * quote removal, in that order, on the typed words of src/parse/word.h.
 * Results live in an arena. Errors (bad substitution, ${x?msg}, set -u)
 * are printed here and reported as -1 or NULL. */
#ifndef IPCSH_EXPAND_H
#define IPCSH_EXPAND_H

#include <stddef.h>

#include "../parse/word.h"
#include "../util/arena.h"
#include "../util/util.h"

/* A growable array of strings in an arena, NULL-terminated. */
struct strvec {
	char **v;
	size_t n, cap;
};
void strvec_push(struct arena *a, struct strvec *sv, char *s);

/* Runs the command of a command substitution (its parsed program, or its
 * text when it has none) and returns its output (malloc'd, trailing
 * newlines removed). shell_capture() by default; the expansion fuzzer
 * points it at a function that runs nothing. */
extern char *(*expand_capture)(const struct word_part *cmd);

/* A process substitution (<(…), >(…)): returns the path that stands for it
 * (in a), or NULL after a message. Set by the executor while it expands a
 * command's words and redirections (src/exec/procsub.c); NULL elsewhere,
 * where a substitution is an error. */
extern char *(*expand_procsub)(struct arena *a, const struct word_part *p);

/* ---- on typed words (what the parser produces) ---- */

/* Whether expanding w meets a process substitution (NULL: no). */
bool word_has_procsub(const struct word *w);
/* How many substitutions a word starts at most, in the order --plan numbers
 * them (not inside double quotes, where they are text; those of a ${x:-…}
 * value counted). */
int word_procsubs(const struct word *w);
/* The same walk, calling fn for each substitution in that order (fn may
 * be NULL): the one order the executor and --plan (plan.c) number them in. */
int word_procsubs_each(const struct word *w, void (*fn)(const struct word_part *p, void *arg),
		       void *arg);

/* A command argument: all passes, zero or more fields appended to out.
 * Returns 0, or -1 after printing a message. */
int expand_word_fields(struct arena *a, const struct word *w, struct strvec *out);
/* Exactly one string: no field splitting, no pathname expansion ("$@"
 * joined by spaces): redirection targets, remote targets. NULL on error. */
char *expand_word_single(struct arena *a, const struct word *w);
/* A pattern for fnmatch (case patterns, ${x#p}): one string in which the
 * quoted characters that are special to fnmatch are escaped with '\', so
 * only the unquoted * ? [ ] are pattern characters. NULL on error. */
char *expand_word_pattern(struct arena *a, const struct word *w);
/* brace.c: bash's brace expansion, the first pass of expand_word_fields.
 * brace_candidate: w has an unquoted '{' before an unquoted '}' (cheap).
 * brace_expand: the words w becomes (*out, in a), or -1 after a message
 * (too many words). */
bool brace_candidate(const struct word *w);
long brace_expand(struct arena *a, const struct word *w, struct word ***out);

/* ---- on raw text: word_parse() then the above, for text that is not
 * part of a parsed script (prompts, $ENV, a remote host); a word that
 * cannot be parsed prints its error ---- */

/* As expand_word_single. */
char *expand_single(struct arena *a, const char *raw);
/* A here-document-like text (a prompt): $-expansions, `…`, and \$ \` \\
 * \newline escapes. */
char *expand_heredoc(struct arena *a, const char *body);

#endif
