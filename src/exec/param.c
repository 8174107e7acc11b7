/* param.c — the string operators of parameter expansion (POSIX 2.6.2
 * and bash's), on a value and an fnmatch pattern whose quoted characters
 * are already escaped (expand_word_pattern). Pure: results in an arena. */
#include "param.h"

#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

/* ${x#p} ${x##p} ${x%p} ${x%%p}: val without its shortest or longest
 * prefix or suffix matching p (POSIX). */
char *param_trim(struct arena *a, enum param_op op, const char *pat, const char *val)
{
	bool suffix = op == PARAM_TRIM_PS || op == PARAM_TRIM_PL;
	bool longest = op == PARAM_TRIM_SL || op == PARAM_TRIM_PL;
	size_t len = strlen(val);
	char *tmp = arena_strndup(a, val, len);
	for (size_t k = 0; k <= len; k++) {
		/* prefix: lengths up (shortest) or down (longest); suffix:
		 * start offsets down (shortest) or up (longest). */
		size_t i = (suffix != longest) ? len - k : k;
		bool hit;
		if (suffix) {
			hit = fnmatch(pat, val + i, 0) == 0;
		} else {
			char save = tmp[i];
			tmp[i] = '\0';
			hit = fnmatch(pat, tmp, 0) == 0;
			tmp[i] = save;
		}
		if (hit)
			return suffix ? arena_strndup(a, val, i) : tmp + i;
	}
	return tmp;
}

/* Does pat match val[from..to)? */
static bool match_at(char *val, size_t from, size_t to, const char *pat)
{
	char save = val[to];
	val[to] = '\0';
	bool hit = fnmatch(pat, val + from, 0) == 0;
	val[to] = save;
	return hit;
}

/* ${x/p/r} ${x//p/r} ${x/#p/r} ${x/%p/r}: the longest match of p, at the
 * first position where one starts (or every one, or anchored), replaced
 * by r (bash). */
char *param_subst(struct arena *a, enum param_op op, const char *pat, const char *rep,
		      const char *val)
{
	size_t len = strlen(val);
	if (!*pat && (op == PARAM_SUBST || op == PARAM_SUBST_ALL))
		return (char *)val;
	char *v = arena_strndup(a, val, len);
	struct strbuf sb = {0};
	sb_add(&sb, "", 0);
	size_t i = 0;
	bool done = false;
	while (i <= len) {
		size_t end = len + 1;
		if (!done && (op != PARAM_SUBST_PRE || i == 0)) {
			if (op == PARAM_SUBST_SUF) {
				if (match_at(v, i, len, pat))
					end = len;
			} else {
				for (size_t j = len + 1; j-- > i;)
					if (match_at(v, i, j, pat)) {
						end = j;
						break;
					}
			}
		}
		if (end <= len) {
			sb_adds(&sb, rep);
			done = op != PARAM_SUBST_ALL;
			if (end > i) {
				i = end;
				continue;
			}
		}
		if (i < len)
			sb_addc(&sb, v[i]);
		i++;
	}
	char *r = arena_strndup(a, sb.buf, sb.len);
	sb_free(&sb);
	return r;
}

/* ${x^p} ${x^^p} ${x,p} ${x,,p}: characters matching p (default: any)
 * changed to upper or lower case (bash). */
char *param_case(struct arena *a, enum param_op op, const char *pat, const char *val)
{
	char *r = arena_strdup(a, val);
	bool upper = op == PARAM_UPPER1 || op == PARAM_UPPER;
	bool all = op == PARAM_UPPER || op == PARAM_LOWER;
	if (!*pat)
		pat = "?";
	for (size_t i = 0; r[i] && (all || i == 0); i++) {
		char one[2] = { r[i], '\0' };
		if (fnmatch(pat, one, 0) == 0)
			r[i] = (char)(upper ? toupper((unsigned char)r[i]) : tolower((unsigned char)r[i]));
	}
	return r;
}
