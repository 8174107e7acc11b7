/* redir.h — redirections as data: the fd actions of one stage.
 *
 * redir_prepare() expands and opens everything it can in ipcsh (so an
 * error names the file and nothing starts), producing a list of actions
 * that any kind of stage applies the same way: posix_spawn file actions
 * for exec'd programs, dup2/close in a forked child, or in ipcsh itself
 * (saved and restored) for a built-in.
 */
#ifndef IPCSH_REDIR_H
#define IPCSH_REDIR_H

#include <spawn.h>
#include <stdbool.h>

#include "../parse/ast.h"
#include "../util/arena.h"

enum fdact_op { FA_DUP2, FA_CLOSE, FA_OPEN };

struct fdact {
	enum fdact_op op;
	int fd;            /* target */
	int src;           /* FA_DUP2: source fd */
	const char *path;  /* FA_OPEN: opened in the child (FIFOs, which would block ipcsh) */
	int flags;         /* FA_OPEN */
};

struct fdacts {
	struct fdact *v;
	size_t n, cap;
	int *owned;        /* fds ipcsh opened for these actions (close after spawn) */
	size_t nowned, capowned;
};

void fdacts_add(struct arena *a, struct fdacts *fa, struct fdact act);
/* Expand and open the redirections of a stage, appending actions to fa.
 * in_wired/out_wired: fd 0/1 are already set by an edge. Returns 0, or
 * -1 after printing "ipcsh: FILE: REASON" (already-opened fds are closed). */
int redir_prepare(struct arena *a, const struct ast_redir *r, struct fdacts *fa);
/* Close the fds ipcsh opened (after the stage started, or on failure). */
void fdacts_close_owned(struct fdacts *fa);
/* posix_spawn file actions for fa. */
int fdacts_to_spawn(const struct fdacts *fa, posix_spawn_file_actions_t *sfa);
/* Apply in this process (a forked child). Returns 0, or -1 after a message. */
int fdacts_apply(const struct fdacts *fa);

/* In ipcsh itself, for a built-in: apply, remembering how to undo. */
struct fdsave {
	int fd, saved;     /* saved == -1: fd was closed before */
};
int fdacts_apply_saved(struct arena *a, const struct fdacts *fa, struct fdsave **saves, size_t *nsaves);
void fdacts_restore(struct fdsave *saves, size_t nsaves);

#endif
