/* complete.c — tab completion that knows ipcsh's syntax (SPEC §8).
 *
 * A small scanner reads the line up to the cursor the way the lexer
 * would (quotes, backslashes, operators, |[...] edges) and names what the
 * word under the cursor is:
 *   a command  at the line start, after | |[..] ; & && || ( and after
 *              assignments or an @HOST prefix: built-ins and PATH programs;
 *   a transport name right after |[, that transport's options after
 *              |[name: or a ',';
 *   a job spec after fg bg kill wait disown jobs (%1 %2 ...);
 *   a host     after @ in command position ($XDG_CONFIG_HOME/ipcsh/hosts,
 *              one a line, and the @hosts of the history);
 *   a variable after $ or ${;
 *   a file     anywhere else (readline's own filename completion).
 * The same scan picks the characters that end a word, so `|[sh` offers
 * "shm" rather than "[sh..." and `@` or `:` only break words where the
 * syntax says so. */
#include "repl_int.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>
#include <readline/tilde.h>

#include "../builtin/builtin.h"
#include "../exec/shell.h"
#include "../job/job.h"
#include "../transport/transport.h"
#include "../util/util.h"

enum ctx_kind {
	CTX_FILE, CTX_COMMAND, CTX_EDGE_NAME, CTX_EDGE_OPT, CTX_EDGE_PATH, CTX_JOB, CTX_HOST, CTX_VAR
};

struct ctx {
	enum ctx_kind kind;
	size_t start;          /* where the completed word starts in the line */
	int edge;              /* CTX_EDGE_OPT: the transport, or -1 */
	size_t opts;           /* CTX_EDGE_OPT: where the options start (after ':') */
	bool braced;           /* CTX_VAR: ${NAME */
	bool dirs_only;        /* CTX_FILE: the argument of cd or pushd */
};

/* The scanner's state while it walks the line. */
struct scan {
	const char *buf;
	bool cmd_pos;          /* the next word is a command name */
	bool after_time;       /* the last word was `time` or its -p/--: a command still follows */
	bool redir;            /* the next word is a redirection target */
	bool in_word;
	size_t word;           /* start of the current word */
	char cmd[16];          /* the current stage's command (job built-ins only) */
	long edge;             /* just after an open "|[", or -1 */
};

static bool is_job_cmd(const char *w)
{
	static const char *const names[] = {"fg", "bg", "kill", "wait", "disown", "jobs"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(w, names[i]) == 0)
			return true;
	return false;
}

static bool is_assignment(const char *w, size_t n)
{
	const char *eq = memchr(w, '=', n);
	return eq && eq > w && is_name(w, (size_t)(eq - w));
}

static void end_word(struct scan *s, size_t end)
{
	if (!s->in_word)
		return;
	s->in_word = false;
	const char *w = s->buf + s->word;
	size_t n = end - s->word;
	if (s->redir) {
		s->redir = false;
		return;
	}
	if (!s->cmd_pos)
		return;
	/* Still before the command: `X=1 cmd`, `! cmd`, `@host cmd`,
	 * `time [-p] [--] cmd`. */
	bool timeword = n == 4 && memcmp(w, "time", 4) == 0;
	bool timeopt = s->after_time && n == 2 && (memcmp(w, "-p", 2) == 0 || memcmp(w, "--", 2) == 0);
	s->after_time = timeword || timeopt;
	if (timeword || timeopt || is_assignment(w, n) || (n == 1 && *w == '!') || *w == '@')
		return;
	s->cmd_pos = false;
	if (n < sizeof s->cmd) {
		memcpy(s->cmd, w, n);
		s->cmd[n] = '\0';
	}
}

static void new_command(struct scan *s)
{
	s->cmd_pos = true;
	s->after_time = false;
	s->redir = false;
	s->cmd[0] = '\0';
}

static void start_word(struct scan *s, size_t i)
{
	if (!s->in_word) {
		s->in_word = true;
		s->word = i;
	}
}

/* Walk buf[0..point). Returns the quote still open at point, or 0. */
static char scan_line(struct scan *s, size_t point)
{
	const char *b = s->buf;
	char quote = 0;
	for (size_t i = 0; i < point; i++) {
		char c = b[i];
		if (s->edge >= 0) {
			if (c == ']') {
				s->edge = -1;
				new_command(s);
			}
		} else if (quote == '\'') {
			quote = c == '\'' ? 0 : quote;
		} else if (quote == '"') {
			if (c == '\\')
				i++;
			else if (c == '"')
				quote = 0;
		} else if (c == '\\' || c == '\'' || c == '"') {
			start_word(s, i);
			if (c == '\\')
				i++;
			else
				quote = c;
		} else if (c == ' ' || c == '\t' || c == '\n') {
			end_word(s, i);
		} else if (c == '|' || c == ';' || c == '&' || c == '(') {
			end_word(s, i);
			if (c == '|' && i + 1 < point && b[i + 1] == '[')
				s->edge = (long)(++i) + 1;
			else if ((c == '|' || c == '&') && i + 1 < point && b[i + 1] == c)
				i++;
			if (c == '&' && i > 0 && (b[i - 1] == '>' || b[i - 1] == '<'))
				continue; /* >&2 */
			new_command(s);
		} else if (c == '<' || c == '>') {
			if (s->in_word && strspn(b + s->word, "0123456789") == i - s->word)
				s->in_word = false; /* 2>: an fd number, not a word */
			end_word(s, i);
			s->redir = true;
		} else if (s->redir && !s->in_word && i > 0 && b[i - 1] == '&' &&
			   (isdigit((unsigned char)c) || c == '-')) {
			s->redir = false; /* >&2, <&-: no file name follows */
		} else {
			start_word(s, i);
		}
	}
	return quote;
}

/* The last unquoted '$' of word w[0..n) if a name (or "{name") follows it. */
static long find_dollar(const char *w, size_t n, bool *braced)
{
	for (size_t i = n; i-- > 0;) {
		if (w[i] != '$')
			continue;
		if (i > 0 && w[i - 1] == '\\')
			return -1;
		size_t k = i + 1;
		*braced = k < n && w[k] == '{';
		if (*braced)
			k++;
		for (size_t m = k; m < n; m++)
			if (!isalnum((unsigned char)w[m]) && w[m] != '_')
				return -1;
		return (long)k;
	}
	return -1;
}

static struct ctx ctx_of(const char *buf, size_t point)
{
	struct scan s = {.buf = buf, .cmd_pos = true, .edge = -1};
	char quote = scan_line(&s, point);
	struct ctx c = {.kind = CTX_FILE, .start = point, .edge = -1};
	if (s.edge >= 0) {
		const char *spec = buf + s.edge;
		size_t n = point - (size_t)s.edge;
		const char *colon = memchr(spec, ':', n);
		if (!colon) {
			c.kind = CTX_EDGE_NAME;
			c.start = (size_t)s.edge;
			return c;
		}
		c.kind = CTX_EDGE_OPT;
		c.edge = transport_lookup(spec, (size_t)(colon - spec));
		c.start = c.opts = (size_t)(colon - buf) + 1;
		for (size_t i = c.start; i < point; i++)
			if (buf[i] == ',')
				c.start = i + 1;
		/* fifo:path=FILE: a file name */
		const char *eq = memchr(buf + c.start, '=', point - c.start);
		if (eq && c.edge >= 0) {
			size_t klen = (size_t)(eq - (buf + c.start));
			for (const struct opt_desc *o = transport_options((enum edge_kind)c.edge); o->name; o++)
				if (o->type == OPT_PATH && strlen(o->name) == klen &&
				    memcmp(o->name, buf + c.start, klen) == 0)
					c.kind = CTX_EDGE_PATH;
			c.start = (size_t)(eq - buf) + 1;
		}
		return c;
	}
	size_t ws = s.in_word ? s.word : point;
	const char *w = buf + ws;
	size_t n = point - ws;
	c.start = ws;
	long d = quote == '\'' ? -1 : find_dollar(w, n, &c.braced);
	if (d >= 0) {
		c.kind = CTX_VAR;
		c.start = ws + (size_t)d;
	} else if (quote) {
		c.kind = CTX_FILE;
	} else if (s.cmd_pos && !s.redir && n > 0 && *w == '@') {
		c.kind = CTX_HOST;
		c.start = ws + 1;
	} else if (s.cmd_pos && !s.redir && !memchr(w, '/', n)) {
		c.kind = CTX_COMMAND;
	} else if (!s.cmd_pos && !s.redir && is_job_cmd(s.cmd) && (n == 0 || *w == '%')) {
		c.kind = CTX_JOB;
	}
	c.dirs_only = c.kind == CTX_FILE && !s.cmd_pos && !s.redir &&
		      (strcmp(s.cmd, "cd") == 0 || strcmp(s.cmd, "pushd") == 0);
	return c;
}

/* ---- candidates ---------------------------------------------------------- */

struct cands {
	char **v;
	size_t n, cap;
	const char *prefix;
	size_t plen;
};

static void cand_add(struct cands *c, const char *s)
{
	if (strncmp(s, c->prefix, c->plen) != 0)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i], s) == 0)
			return;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = xstrdup(s);
}

static void add_path_commands(struct cands *c)
{
	const char *path = var_get("PATH");
	char *copy = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = copy, *next; dir; dir = next) {
		next = strchr(dir, ':');
		if (next)
			*next++ = '\0';
		DIR *d = opendir(*dir ? dir : ".");
		if (!d)
			continue;
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.' || strncmp(e->d_name, c->prefix, c->plen) != 0)
				continue;
			char *full = xasprintf("%s/%s", *dir ? dir : ".", e->d_name);
			struct stat st;
			if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
				cand_add(c, e->d_name);
			free(full);
		}
		closedir(d);
	}
	free(copy);
}

static void add_commands(struct cands *c)
{
	for (const struct builtin *b = builtin_table(); b->name; b++)
		cand_add(c, b->name);
	add_path_commands(c);
}

/* Whether option name is among the comma-separated options used[0..n). */
static bool opt_used(const char *name, const char *used, size_t n)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < n;) {
		size_t k = strcspn(used + i, ",");
		k = k > n - i ? n - i : k;
		size_t key = strcspn(used + i, "=,");
		if ((key < k ? key : k) == len && memcmp(used + i, name, len) == 0)
			return true;
		i += k + 1;
	}
	return false;
}

/* The options of transport kind, less those the spec already has
 * (used[0..n), the options before the one being typed). */
static void add_edge_options(struct cands *c, int kind, const char *used, size_t n)
{
	if (kind < 0)
		return;
	for (const struct opt_desc *o = transport_options((enum edge_kind)kind); o->name; o++) {
		if (opt_used(o->name, used, n))
			continue;
		char *s = xasprintf("%s%s", o->name, o->type == OPT_FLAG ? "" : "=");
		cand_add(c, s);
		free(s);
	}
}

/* The job spec %N of each job or, once a letter follows the %, %WORD for
 * the first word of its command (`%sl` completes to `%sleep`, a spec by
 * prefix). */
static void add_jobs(struct cands *c)
{
	(void)job_reap(false);
	bool by_name = c->plen > 1 && !isdigit((unsigned char)c->prefix[1]);
	for (struct job *j = job_first(); j; j = j->next) {
		if (!j->id || job_state(j) == JOB_DONE)
			continue;
		char *spec = by_name ? xasprintf("%%%.*s", (int)strcspn(j->text, " \t\n|;&<>()"), j->text)
				     : xasprintf("%%%d", j->id);
		cand_add(c, spec);
		free(spec);
	}
}

/* Whether spec (%N or %PREFIX) names job j. */
static bool spec_names(const char *spec, const struct job *j)
{
	char *end;
	long n = strtol(spec + 1, &end, 10);
	if (end != spec + 1 && !*end)
		return n == j->id;
	return strncmp(j->text, spec + 1, strlen(spec + 1)) == 0;
}

/* Listing job specs (Tab Tab after fg %): each with its job's command,
 * the way `jobs` shows it. */
static void show_jobs(char **matches, int num, int max)
{
	(void)max;
	fputc('\n', rl_outstream);
	for (int i = 1; i <= num; i++)
		for (struct job *j = job_first(); j; j = j->next)
			if (j->id && job_state(j) != JOB_DONE && spec_names(matches[i], j))
				fprintf(rl_outstream, "%-8s [%d]%c  %s\n", matches[i], j->id, job_mark(j), j->text);
	rl_forced_update_display();
}

/* A host, also as "ssh:host" when that is what is being typed (@ssh:HOST). */
static void add_host(struct cands *c, const char *h)
{
	cand_add(c, h);
	if (strncmp(c->prefix, "ssh:", 4) == 0 && strncmp(h, "ssh:", 4) != 0) {
		char *s = xasprintf("ssh:%s", h);
		cand_add(c, s);
		free(s);
	}
}

static void add_hosts_file(struct cands *c)
{
	const char *cfg = var_get("XDG_CONFIG_HOME");
	const char *home = var_get("HOME");
	char *path = cfg && *cfg == '/' ? xasprintf("%s/ipcsh/hosts", cfg)
		: home && *home ? xasprintf("%s/.config/ipcsh/hosts", home) : NULL;
	FILE *f = path ? fopen(path, "re") : NULL;
	free(path);
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, " \t\r\n#")] = '\0';
		if (*line)
			add_host(c, line);
	}
	free(line);
	fclose(f);
}

/* "@host" words of earlier commands: '@' at a word's start. */
static void add_history_hosts(struct cands *c)
{
	HIST_ENTRY **list = history_list();
	for (int i = 0; list && i < history_length; i++) {
		const char *l = list[i]->line;
		for (const char *p = strchr(l, '@'); p; p = strchr(p + 1, '@')) {
			if (p > l && !strchr(" \t\n|;&(]", p[-1]))
				continue;
			size_t n = strcspn(p + 1, " \t\n|;&()<>'\"");
			char *h = xstrndup(p + 1, n);
			if (*h)
				add_host(c, h);
			free(h);
		}
	}
}

static void add_vars(struct cands *c)
{
	char **names = var_names(c->prefix);
	for (char **p = names; *p; p++) {
		cand_add(c, *p);
		free(*p);
	}
	free(names);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- readline glue --------------------------------------------------------- */

static struct cands cur;
static size_t cur_next;

static char *cand_generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		cur_next = 0;
	return cur_next < cur.n ? xstrdup(cur.v[cur_next++]) : NULL;
}

static void cands_clear(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* Make every candidate replace line[rl_start..) rather than line[my_start..). */
static void cands_rebase(struct cands *c, const char *line, size_t rl_start, size_t my_start)
{
	for (size_t i = 0; i < c->n; i++) {
		char *s = c->v[i];
		if (rl_start < my_start)
			c->v[i] = xasprintf("%.*s%s", (int)(my_start - rl_start), line + rl_start, s);
		else
			c->v[i] = xstrdup(strlen(s) >= rl_start - my_start ? s + (rl_start - my_start) : "");
		free(s);
	}
}

/* ---- file names: ~ and $NAME in front, bash's backslash quoting ---------- */

/* Length of a leading ~USER or $NAME / ${NAME} of s that is followed by
 * '/' (a part that must stay unquoted for the shell to expand it), else 0. */
static size_t expandable_head(const char *s)
{
	size_t n = 0;
	if (*s == '~') {
		n = strcspn(s, "/");
	} else if (*s == '$') {
		bool braced = s[1] == '{';
		n = 1 + braced;
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		if (n == 1u + braced || (braced && s[n++] != '}'))
			return 0;
	}
	return s[n] == '/' ? n : 0;
}

/* s with a leading $NAME or ${NAME} replaced by its value; NULL if there
 * is none (or the variable is unset). */
static char *expand_var_head(const char *s)
{
	size_t n = *s == '$' ? expandable_head(s) : 0;
	if (!n)
		return NULL;
	bool braced = s[1] == '{';
	char *name = xstrndup(s + 1 + braced, n - 1 - 2 * braced);
	const char *v = var_get(name);
	free(name);
	return v ? xasprintf("%s%s", v, s + n) : NULL;
}

/* Backslashes out, unless inside single quotes. */
static char *dequote(const char *s, int qc)
{
	char *r = xstrdup(s), *o = r;
	for (; *s; s++) {
		if (*s == '\\' && qc != '\'' && s[1] && (qc != '"' || strchr("$`\"\\", s[1])))
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return r;
}

static char *filename_dequote(char *text, int qc)
{
	return dequote(text, qc);
}

/* The directory readline opens: dequoted, a leading $NAME expanded (it
 * has done ~ already); what the user typed stays as typed. */
static int directory_rewrite(char **dir)
{
	char *d = rl_completion_found_quote ? dequote(*dir, rl_completion_quote_character) : xstrdup(*dir);
	char *x = expand_var_head(d);
	if (x) {
		free(d);
		d = x;
	}
	free(*dir);
	*dir = d;
	return 1;
}

/* Before readline stats a match (to mark a directory with '/'). */
static int filename_stat(char **name)
{
	char *x = expand_var_head(*name);
	if (!x)
		return 0;
	free(*name);
	*name = x;
	return 1;
}

/* Quote a file name as bash does: a backslash before each special
 * character, none before a leading ~ or $NAME that must expand; inside an
 * open quote, that quote's rules. */
static char *filename_quote(char *s, int mtype, char *qcp)
{
	(void)mtype;
	char qc = qcp ? *qcp : 0;
	struct strbuf b = {0};
	if (qc == '\'' || qc == '"') {
		sb_addc(&b, qc);
		if (qc == '"' && *s == '$') {
			size_t head = expandable_head(s);
			sb_add(&b, s, head);
			s += head;
		}
		for (; *s; s++) {
			if (qc == '\'' && *s == '\'')
				sb_adds(&b, "'\\''");
			else if (qc == '"' && strchr("$`\"\\", *s))
				sb_addc(&b, '\\'), sb_addc(&b, *s);
			else
				sb_addc(&b, *s);
		}
		return b.buf ? b.buf : xstrdup("");
	}
	size_t head = expandable_head(s);
	sb_add(&b, s, head);
	for (const char *p = s + head; *p; p++) {
		if (strchr(rl_filename_quote_characters, *p))
			sb_addc(&b, '\\');
		sb_addc(&b, *p);
	}
	return b.buf ? b.buf : xstrdup("");
}

/* A backslash quotes the character after it (an odd run of them). */
static int char_is_quoted(char *text, int index)
{
	int n = 0;
	while (index - n > 0 && text[index - n - 1] == '\\')
		n++;
	return n % 2;
}

/* Directories only (cd, pushd): readline's file names, less the others. */
static char *dir_generator(const char *text, int state)
{
	for (char *m; (m = rl_filename_completion_function(text, state)); state = 1) {
		char *path = *m == '~' ? tilde_expand(m) : expand_var_head(m);
		struct stat st;
		bool dir = stat(path ? path : m, &st) == 0 && S_ISDIR(st.st_mode);
		free(path);
		if (dir)
			return m;
		free(m);
	}
	return NULL;
}

static char **attempt(const char *text, int start, int end)
{
	struct ctx c = ctx_of(rl_line_buffer, (size_t)end);
	rl_completion_display_matches_hook = c.kind == CTX_JOB ? show_jobs : NULL;
	if (c.kind == CTX_FILE && c.dirs_only) {
		rl_attempted_completion_over = 1;
		return rl_completion_matches(text, dir_generator);
	}
	if (c.kind == CTX_FILE)
		return NULL; /* readline's filename completion */
	if (c.kind == CTX_EDGE_PATH) {
		rl_completion_append_character = '\0';
		rl_attempted_completion_over = 1;
		return rl_completion_matches(text, rl_filename_completion_function);
	}
	cands_clear(&cur);
	char *prefix = xstrndup(rl_line_buffer + c.start, (size_t)end - c.start);
	cur.prefix = prefix;
	cur.plen = strlen(prefix);
	rl_completion_append_character = ' ';
	switch (c.kind) {
	case CTX_COMMAND: add_commands(&cur); break;
	case CTX_EDGE_NAME:
		for (int k = 0; k < EDGE__COUNT; k++)
			cand_add(&cur, transport_name((enum edge_kind)k));
		rl_completion_append_character = '\0';
		break;
	case CTX_EDGE_OPT:
		add_edge_options(&cur, c.edge, rl_line_buffer + c.opts, c.start - c.opts);
		rl_completion_append_character = '\0';
		break;
	case CTX_JOB: add_jobs(&cur); break;
	case CTX_HOST:
		add_hosts_file(&cur);
		add_history_hosts(&cur);
		break;
	case CTX_VAR:
		add_vars(&cur);
		rl_completion_append_character = c.braced ? '}' : ' ';
		break;
	case CTX_FILE:
	case CTX_EDGE_PATH: break;
	}
	qsort(cur.v, cur.n, sizeof *cur.v, cmp_str);
	if ((size_t)start != c.start)
		cands_rebase(&cur, rl_line_buffer, (size_t)start, c.start);
	free(prefix);
	cur.prefix = NULL;
	rl_attempted_completion_over = 1;
	if (!cur.n)
		return NULL;
	return rl_completion_matches(text, cand_generator);
}

/* Word ends for this context, so readline's word is the one we complete. */
static char *word_breaks(void)
{
	static char dflt[] = " \t\n\"'`<>;|&(";
	static char edge_name[] = " \t\n[";
	static char edge_opt[] = " \t\n[:,";
	static char edge_path[] = " \t\n[:,=";
	static char host[] = " \t\n@";
	static char var[] = " \t\n\"'${";
	switch (ctx_of(rl_line_buffer, (size_t)rl_point).kind) {
	case CTX_EDGE_NAME: return edge_name;
	case CTX_EDGE_OPT: return edge_opt;
	case CTX_EDGE_PATH: return edge_path;
	case CTX_HOST: return host;
	case CTX_VAR: return var;
	default: return dflt;
	}
}

void complete_setup(void)
{
	static char quotes[] = "'\"";
	static char file_quote[] = " \t\n\\\"'<>;|&()#$`?*[]!{}~";
	rl_attempted_completion_function = attempt;
	rl_filename_quoting_function = filename_quote;
	rl_filename_dequoting_function = filename_dequote;
	rl_char_is_quoted_p = char_is_quoted;
	rl_directory_rewrite_hook = directory_rewrite;
	rl_filename_stat_hook = filename_stat;
	rl_completion_word_break_hook = word_breaks;
	rl_completer_quote_characters = quotes;
	rl_filename_quote_characters = file_quote;
}
