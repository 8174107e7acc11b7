/* redir.c — redirections to fd actions. */
#include "redir.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expand.h"
#include "shell.h"

void fdacts_add(struct arena *a, struct fdacts *fa, struct fdact act)
{
	if (fa->n == fa->cap) {
		size_t cap = fa->cap ? fa->cap * 2 : 8;
		fa->v = arena_realloc(a, fa->v, fa->cap * sizeof *fa->v, cap * sizeof *fa->v);
		fa->cap = cap;
	}
	fa->v[fa->n++] = act;
}

static void own(struct arena *a, struct fdacts *fa, int fd)
{
	if (fa->nowned == fa->capowned) {
		size_t cap = fa->capowned ? fa->capowned * 2 : 4;
		fa->owned = arena_realloc(a, fa->owned, fa->capowned * sizeof(int), cap * sizeof(int));
		fa->capowned = cap;
	}
	fa->owned[fa->nowned++] = fd;
}

void fdacts_close_owned(struct fdacts *fa)
{
	for (size_t i = 0; i < fa->nowned; i++)
		close(fa->owned[i]);
	fa->nowned = 0;
}

/* Is fd open at this point of the action list (as a target, or inherited)? */
static bool fd_valid_here(const struct fdacts *fa, int fd)
{
	for (size_t i = fa->n; i-- > 0;)
		if (fa->v[i].fd == fd)
			return fa->v[i].op != FA_CLOSE;
	int fl = fcntl(fd, F_GETFD);
	return fl >= 0 && !(fl & FD_CLOEXEC);
}

static int heredoc_fd(const char *text)
{
	int fd = memfd_create("ipcsh-heredoc", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int parse_fd_word(const char *w)
{
	if (!*w)
		return -1;
	long v = 0;
	for (const char *p = w; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > 100000)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return (int)v;
}

static int open_target(struct arena *a, struct fdacts *fa, const struct ast_redir *r, const char *path)
{
	int flags = r->op == REDIR_IN ? O_RDONLY
		  : r->op == REDIR_OUT || r->op == REDIR_CLOBBER ? O_WRONLY | O_CREAT | O_TRUNC
		  : r->op == REDIR_RDWR ? O_RDWR | O_CREAT
		  : O_WRONLY | O_CREAT | O_APPEND;
	struct stat st;
	bool exists = stat(path, &st) == 0;
	/* set -C: > does not overwrite an existing regular file (>| does). */
	if (sh.opt_C && r->op == REDIR_OUT && exists && S_ISREG(st.st_mode)) {
		msg_err("%s: cannot overwrite existing file", path);
		return -1;
	}
	if (sh.opt_C && r->op == REDIR_OUT && !exists)
		flags |= O_EXCL;
	if (exists && S_ISFIFO(st.st_mode)) {
		/* Opening a FIFO would block ipcsh until its peer comes: the child opens it. */
		fdacts_add(a, fa, (struct fdact){.op = FA_OPEN, .fd = r->fd, .path = path, .flags = flags});
		return 0;
	}
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0) {
		msg_errno("%s", path);
		return -1;
	}
	fd = fd_move_high(fd);
	if (fd < 0) {
		msg_errno("%s", path);
		return -1;
	}
	own(a, fa, fd);
	fdacts_add(a, fa, (struct fdact){.op = FA_DUP2, .fd = r->fd, .src = fd});
	return 0;
}

/* fd n reads text (a here-document or here-string): 0, or -1 after a
 * message naming what. */
static int text_input(struct arena *a, struct fdacts *fa, int n, const char *text, const char *what)
{
	int fd = heredoc_fd(text);
	if (fd < 0 || (fd = fd_move_high(fd)) < 0) {
		msg_errno("cannot create %s", what);
		return -1;
	}
	own(a, fa, fd);
	fdacts_add(a, fa, (struct fdact){.op = FA_DUP2, .fd = n, .src = fd});
	return 0;
}

int redir_prepare(struct arena *a, const struct ast_redir *r, struct fdacts *fa)
{
	for (; r; r = r->next) {
		if (r->op == REDIR_CLOSE) {
			fdacts_add(a, fa, (struct fdact){.op = FA_CLOSE, .fd = r->fd});
			continue;
		}
		if (r->op == REDIR_HEREDOC) {
			const char *body = r->body ? r->body : "";
			char *text = r->body_quoted ? (char *)body
				     : r->bodyw ? expand_word_single(a, r->bodyw)
				     : expand_heredoc(a, body);
			if (!text)
				goto fail;
			if (text_input(a, fa, r->fd, text, "here-document") < 0)
				goto fail;
			continue;
		}
		char *w = r->target ? expand_word_single(a, r->target)
				    : expand_single(a, r->word ? r->word : "");
		if (!w)
			goto fail;
		if (r->op == REDIR_HERESTR) {
			size_t wl = strlen(w);
			char *text = arena_alloc(a, wl + 2);
			memcpy(text, w, wl);
			text[wl] = '\n';
			text[wl + 1] = '\0';
			if (text_input(a, fa, r->fd, text, "here-string") < 0)
				goto fail;
			continue;
		}
		if (r->op == REDIR_DUPIN || r->op == REDIR_DUPOUT) {
			if (strcmp(w, "-") == 0) {
				fdacts_add(a, fa, (struct fdact){.op = FA_CLOSE, .fd = r->fd});
				continue;
			}
			int src = parse_fd_word(w);
			if (src < 0) {
				msg_err("%s: ambiguous redirect", w);
				goto fail;
			}
			if (!fd_valid_here(fa, src)) {
				msg_err("%d: Bad file descriptor", src);
				goto fail;
			}
			fdacts_add(a, fa, (struct fdact){.op = FA_DUP2, .fd = r->fd, .src = src});
			continue;
		}
		/* "$NOPE" names the file "" (bash: ": No such file or
		 * directory"); an unquoted $NOPE names none at all. */
		if (!*w && !strpbrk(r->word ? r->word : "", "\"'")) {
			msg_err("%s: ambiguous redirect", r->word);
			goto fail;
		}
		if (open_target(a, fa, r, w) < 0)
			goto fail;
	}
	return 0;
fail:
	fdacts_close_owned(fa);
	return -1;
}

int fdacts_to_spawn(const struct fdacts *fa, posix_spawn_file_actions_t *sfa)
{
	for (size_t i = 0; i < fa->n; i++) {
		const struct fdact *x = &fa->v[i];
		int r;
		switch (x->op) {
		case FA_DUP2: r = posix_spawn_file_actions_adddup2(sfa, x->src, x->fd); break;
		case FA_CLOSE: r = posix_spawn_file_actions_addclose(sfa, x->fd); break;
		default: r = posix_spawn_file_actions_addopen(sfa, x->fd, x->path, x->flags, 0666); break;
		}
		if (r) {
			errno = r;
			return -1;
		}
	}
	return 0;
}

int fdacts_apply(const struct fdacts *fa)
{
	for (size_t i = 0; i < fa->n; i++) {
		const struct fdact *x = &fa->v[i];
		switch (x->op) {
		case FA_DUP2:
			if (x->src == x->fd) {
				if (fd_set_cloexec(x->fd, false) < 0)
					goto fail;
			} else if (dup2(x->src, x->fd) < 0) {
				goto fail;
			}
			break;
		case FA_CLOSE:
			close(x->fd);
			break;
		default: {
			int fd = open(x->path, x->flags | O_NOCTTY, 0666);
			if (fd < 0) {
				msg_errno("%s", x->path);
				return -1;
			}
			if (fd != x->fd) {
				if (dup2(fd, x->fd) < 0)
					goto fail;
				close(fd);
			}
		}
		}
	}
	return 0;
fail:
	msg_errno("cannot redirect");
	return -1;
}

int fdacts_apply_saved(struct arena *a, const struct fdacts *fa, struct fdsave **saves, size_t *nsaves)
{
	*saves = arena_alloc(a, (fa->n + 1) * sizeof **saves);
	*nsaves = 0;
	for (size_t i = 0; i < fa->n; i++) {
		int fd = fa->v[i].fd;
		bool seen = false;
		for (size_t j = 0; j < *nsaves; j++)
			seen |= (*saves)[j].fd == fd;
		if (seen)
			continue;
		int saved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
		(*saves)[(*nsaves)++] = (struct fdsave){.fd = fd, .saved = saved};
	}
	return fdacts_apply(fa);
}

void fdacts_restore(struct fdsave *saves, size_t nsaves)
{
	for (size_t i = nsaves; i-- > 0;) {
		if (saves[i].saved >= 0) {
			dup2(saves[i].saved, saves[i].fd);
			close(saves[i].saved);
		} else {
			close(saves[i].fd);
		}
	}
}
