/* histexp.c — bash's history expansion at the prompt: !!, !N, !-N, !str,
 * !?str?, the word designators (!$ !^ !* :N :N-M ...), the modifiers
 * (:h :t :r :e :p :s/a/b/ :gs...), and ^old^new at the start of a line,
 * done by GNU history's history_expand() with bash's settings:
 *
 * - '...' hides a '!', "..." does not (history_quotes_inhibit_expansion:
 *   double quotes are tracked only so that a ' inside them is no quote);
 * - a '!' is left alone before a blank, '=' or the end of the line (the
 *   library's history_no_expand_chars), and where the shell gives it a
 *   meaning: $!, ${!...}, and [!...] in a pattern (as bash's
 *   bash_history_inhibit_expansion).
 *
 * Only an interactive shell with `set -H` (histexpand, on by default
 * there) expands; scripts never do. */
#include "repl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>

#include "../util/util.h"

static int inhibit(char *s, int i)
{
	if (i > 0 && s[i - 1] == '$')
		return 1; /* $! */
	if (i > 1 && s[i - 1] == '{' && s[i - 2] == '$' && strchr(s + i + 1, '}'))
		return 1; /* ${!name} */
	if (i > 0 && s[i - 1] == '[' && strchr(s + i + 1, ']'))
		return 1; /* [!a-z] */
	return 0;
}

void histexp_setup(void)
{
	history_quotes_inhibit_expansion = 1;
	history_inhibit_expansion_function = inhibit;
}

enum histexp histexp_line(const char *line, char **out)
{
	*out = NULL;
	if (!strchr(line, history_expansion_char) && line[0] != history_subst_char)
		return HISTEXP_SAME;
	/* !str and !?str? search back from the newest entry, wherever
	 * browsing the history left readline's position */
	using_history();
	char *copy = xstrdup(line), *res = NULL;
	int r = history_expand(copy, &res);
	free(copy);
	if (r < 0) {
		/* res is the library's message: "!x: event not found" */
		msg_err("%s", res ? res : "history expansion failed");
		free(res);
		return HISTEXP_ERROR;
	}
	if (r == 0) {
		free(res);
		return HISTEXP_SAME;
	}
	*out = res;
	return r == 2 ? HISTEXP_PRINT : HISTEXP_EXPANDED;
}
