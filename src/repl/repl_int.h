/* repl_int.h — what the pieces of the interactive front end share
 * (prompt.c, history.c, complete.c, repl.c). Not for other layers. */
#ifndef IPCSH_REPL_INT_H
#define IPCSH_REPL_INT_H

#include <stdbool.h>

/* The prompt for variable var ("PS1", "PS2"): bash's backslash escapes
 * (\u \h \H \w \W \$ \n \\ \[ \] \e \a \s) decoded, then $-expansions and
 * $(...) as in a double-quoted string (quotes stay, as in bash). dflt is
 * used when var is unset. Returns a malloc'd string. */
char *prompt_build(const char *var, const char *dflt);

/* History: load the file, install the `history` built-in. */
void history_setup(void);
/* Add one logical command (as typed, lines joined) to the history. */
void history_add_command(const char *text);
/* Apply HISTSIZE if it changed (called before each prompt). */
void history_apply_size(void);
/* Append this session's new entries to the file and truncate it to
 * HISTFILESIZE. Safe to call more than once. */
void history_save(void);

/* History expansion (histexp.c): bash's settings for history_expand(). */
void histexp_setup(void);
enum histexp {
	HISTEXP_SAME,     /* nothing to expand: use the line as it is */
	HISTEXP_EXPANDED, /* *out (malloc'd) replaces the line */
	HISTEXP_PRINT,    /* a :p modifier: *out is to be shown and kept, not run */
	HISTEXP_ERROR,    /* a message was printed: drop the line */
};
/* Expand the history references of one input line. */
enum histexp histexp_line(const char *line, char **out);

/* Ctrl-X Ctrl-E: edit the line in $VISUAL/$EDITOR, then run it (edit.c). */
void edit_setup(void);

/* Completion: install readline's hooks (syntax-aware, see complete.c). */
void complete_setup(void);

#endif
