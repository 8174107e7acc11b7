/* brace.c — bash's brace expansion on the typed words of word.h:
 * `a{b,c}d` (alternatives, nested, empty ones kept), `{1..10}`, `{10..1..3}`,
 * `{01..10}` (zero-padded to the wider end), `{a..e}`, `{z..a..2}`.
 *
 * It comes first, before every other expansion, and sees only unquoted
 * literal text: a word is a run of tokens, one per character of its
 * top-level WORD_LITERAL parts and one per other part (a quoted string, a
 * "…" group, $x, $( ), $(( )), ~), which is opaque: `"{a,b}"`, `{$x}` and
 * `${a,b}` expand no braces, `{$x,$y}` gives two words. A '{' whose match
 * holds neither a top-level ',' nor a valid sequence is text (`{}`, `{a}`,
 * `{1..x}`), as is a '{' right after '$'. The result is new words (literal
 * text re-joined into parts, other parts shared) that the expander takes
 * through the other passes one by one. Set -B/+B (braceexpand) turns it on
 * and off; it is on by default, as in bash. */
#include "expand.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"

/* Bound on the words one word may become: {1..1000}{1..1000} is a million
 * already; more is refused with a message instead of exhausting memory. */
#define BRACE_MAX_WORDS 100000

struct btok {
	const struct word_part *part; /* NULL: the literal character c */
	char c;
};

struct bseq {
	struct btok *t;
	size_t n;
};

struct bout {
	struct arena *a;
	struct bseq *v;
	size_t n, cap;
	bool too_many;
};

static bool lit(const struct btok *t, char c)
{
	return !t->part && t->c == c;
}

static void push(struct bout *o, struct btok *t, size_t n)
{
	if (o->n >= BRACE_MAX_WORDS) {
		o->too_many = true;
		return;
	}
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		o->v = arena_realloc(o->a, o->v, o->cap * sizeof *o->v, cap * sizeof *o->v);
		o->cap = cap;
	}
	o->v[o->n++] = (struct bseq){t, n};
}

/* The '}' matching the '{' at t[open], or 0: nested literal braces count. */
static size_t match(const struct btok *t, size_t n, size_t open)
{
	int depth = 0;
	for (size_t i = open; i < n; i++) {
		if (lit(&t[i], '{'))
			depth++;
		else if (lit(&t[i], '}') && --depth == 0)
			return i;
	}
	return 0;
}

/* Top-level commas of t[from..to): their positions into at (at most max);
 * returns how many. */
static size_t commas(const struct btok *t, size_t from, size_t to, size_t *at, size_t max)
{
	size_t k = 0;
	int depth = 0;
	for (size_t i = from; i < to; i++) {
		if (lit(&t[i], '{'))
			depth++;
		else if (lit(&t[i], '}'))
			depth--;
		else if (depth == 0 && lit(&t[i], ',')) {
			if (k < max)
				at[k] = i;
			k++;
		}
	}
	return k;
}

/* t[from..to) as a C string if it is all literal characters (into buf). */
static bool text_of(const struct btok *t, size_t from, size_t to, char *buf, size_t size)
{
	if (to - from >= size)
		return false;
	for (size_t i = from; i < to; i++) {
		if (t[i].part)
			return false;
		buf[i - from] = t[i].c;
	}
	buf[to - from] = '\0';
	return true;
}

/* An integer end of a sequence: [+-]digits, no more than fits. */
static bool seq_int(const char *s, long *v, int *width)
{
	const char *d = s + (*s == '-' || *s == '+');
	if (!*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 18)
		return false;
	*v = strtol(s, NULL, 10);
	/* bash pads when an end is written with a leading zero */
	*width = d[0] == '0' && d[1] ? (int)strlen(s) : 0;
	return true;
}

/* The items of a sequence {X..Y[..N]} in text, or 0 if it is not one.
 * Each item goes to *items (arena), joined: "1\0" "2\0" ... */
static size_t sequence(struct arena *a, const char *text, char ***items)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", text);
	char *dd = strstr(buf, "..");
	if (!dd)
		return 0;
	*dd = '\0';
	char *x = buf, *y = dd + 2, *step = strstr(y, "..");
	long incr = 1;
	if (step) {
		*step = '\0';
		step += 2;
		int w;
		if (!seq_int(step, &incr, &w))
			return 0;
		if (incr < 0)
			incr = -incr;
		if (incr == 0)
			incr = 1;
	}
	long from, to;
	int wx, wy;
	bool num = seq_int(x, &from, &wx) && seq_int(y, &to, &wy);
	/* letters, as bash: {a..e}, {Z..a}; not {1..x} */
	bool chr = !num && strlen(x) == 1 && strlen(y) == 1 &&
		   ((x[0] >= 'a' && x[0] <= 'z') || (x[0] >= 'A' && x[0] <= 'Z')) &&
		   ((y[0] >= 'a' && y[0] <= 'z') || (y[0] >= 'A' && y[0] <= 'Z'));
	if (!num && !chr)
		return 0;
	if (chr) {
		from = (unsigned char)x[0];
		to = (unsigned char)y[0];
		wx = wy = 0;
	}
	long span = from <= to ? to - from : from - to;
	size_t count = (size_t)(span / incr) + 1;
	if (count > BRACE_MAX_WORDS)
		count = BRACE_MAX_WORDS + 1; /* refused by the caller's bound */
	int width = wx > wy ? wx : wy;
	*items = arena_alloc(a, count * sizeof **items);
	long v = from;
	for (size_t k = 0; k < count; k++, v = from <= to ? v + incr : v - incr) {
		char item[40];
		if (chr)
			snprintf(item, sizeof item, "%c", (char)v);
		else if (width)
			snprintf(item, sizeof item, "%0*ld", v < 0 ? width : width, v);
		else
			snprintf(item, sizeof item, "%ld", v);
		(*items)[k] = arena_strdup(a, item);
	}
	return count;
}

static void expand_seq(struct bout *o, struct btok *t, size_t n, int depth);

/* prefix t[0..open) + middle + suffix t[close+1..n), expanded again. */
static void emit(struct bout *o, const struct btok *t, size_t n, size_t open, size_t close,
		 const struct btok *mid, size_t nmid, int depth)
{
	size_t len = open + nmid + (n - close - 1);
	struct btok *w = arena_alloc(o->a, (len ? len : 1) * sizeof *w);
	memcpy(w, t, open * sizeof *w);
	if (nmid)
		memcpy(w + open, mid, nmid * sizeof *w);
	memcpy(w + open + nmid, t + close + 1, (n - close - 1) * sizeof *w);
	expand_seq(o, w, len, depth + 1);
}

static void expand_seq(struct bout *o, struct btok *t, size_t n, int depth)
{
	if (o->too_many)
		return;
	for (size_t i = 0; i < n && depth < 64; i++) {
		if (!lit(&t[i], '{') || (i > 0 && lit(&t[i - 1], '$')))
			continue;
		size_t close = match(t, n, i);
		if (!close)
			continue;
		size_t nc = commas(t, i + 1, close, NULL, 0);
		if (nc) {
			size_t *at = arena_alloc(o->a, nc * sizeof *at);
			commas(t, i + 1, close, at, nc);
			size_t from = i + 1;
			for (size_t k = 0; k <= nc && !o->too_many; k++) {
				size_t to = k < nc ? at[k] : close;
				emit(o, t, n, i, close, t + from, to - from, depth);
				from = to + 1;
			}
			return;
		}
		char text[128];
		char **items;
		size_t ni;
		if (text_of(t, i + 1, close, text, sizeof text) && (ni = sequence(o->a, text, &items))) {
			if (ni > BRACE_MAX_WORDS) {
				o->too_many = true;
				return;
			}
			for (size_t k = 0; k < ni && !o->too_many; k++) {
				size_t len = strlen(items[k]);
				struct btok *mid = arena_alloc(o->a, (len ? len : 1) * sizeof *mid);
				for (size_t c = 0; c < len; c++)
					mid[c] = (struct btok){NULL, items[k][c]};
				emit(o, t, n, i, close, mid, len, depth);
			}
			return;
		}
	}
	push(o, t, n);
}

/* Tokens back into a word: runs of characters become LITERAL parts. */
static struct word *rebuild(struct arena *a, const struct word *w, const struct bseq *s)
{
	struct word *nw = arena_alloc(a, sizeof *nw);
	*nw = *w;
	nw->head = NULL;
	struct word_part **tail = &nw->head;
	for (size_t i = 0; i < s->n;) {
		struct word_part *p = arena_alloc(a, sizeof *p);
		if (s->t[i].part) {
			*p = *s->t[i].part;
			i++;
		} else {
			size_t j = i;
			while (j < s->n && !s->t[j].part)
				j++;
			char *text = arena_alloc(a, j - i + 1);
			for (size_t k = i; k < j; k++)
				text[k - i] = s->t[k].c;
			text[j - i] = '\0';
			memset(p, 0, sizeof *p);
			p->kind = WORD_LITERAL;
			p->u.text.s = text;
			p->u.text.len = j - i;
			i = j;
		}
		p->next = NULL;
		*tail = p;
		tail = &p->next;
	}
	return nw;
}

bool brace_candidate(const struct word *w)
{
	bool open = false;
	for (const struct word_part *p = w->head; p; p = p->next)
		if (p->kind == WORD_LITERAL) {
			if (!open && memchr(p->u.text.s, '{', p->u.text.len))
				open = true;
			if (open && memchr(p->u.text.s, '}', p->u.text.len))
				return true;
		}
	return false;
}

long brace_expand(struct arena *a, const struct word *w, struct word ***out)
{
	size_t n = 0;
	for (const struct word_part *p = w->head; p; p = p->next)
		n += p->kind == WORD_LITERAL ? p->u.text.len : 1;
	struct btok *t = arena_alloc(a, (n ? n : 1) * sizeof *t);
	size_t k = 0;
	for (const struct word_part *p = w->head; p; p = p->next) {
		if (p->kind != WORD_LITERAL) {
			t[k++] = (struct btok){p, 0};
			continue;
		}
		for (size_t c = 0; c < p->u.text.len; c++)
			t[k++] = (struct btok){NULL, p->u.text.s[c]};
	}
	struct bout o = {.a = a};
	expand_seq(&o, t, n, 0);
	if (o.too_many) {
		msg_err("%.*s: brace expansion makes more than %d words", (int)w->rawlen, w->raw,
			BRACE_MAX_WORDS);
		return -1;
	}
	*out = arena_alloc(a, o.n * sizeof **out);
	for (size_t i = 0; i < o.n; i++)
		(*out)[i] = rebuild(a, w, &o.v[i]);
	return (long)o.n;
}
