/* test_histexp.c — history expansion as bash does it at the prompt
 * (src/repl/histexp.c): GNU history's history_expand() with bash's
 * settings. The expected texts are what bash 5.2 shows for the same
 * history (tests/bashlike.bats compares whole screens with bash). */
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>

#include "repl/repl_int.h"
#include "tap.h"

static void is(const char *line, enum histexp want, const char *out)
{
	char *x = NULL;
	enum histexp r = histexp_line(line, &x);
	TAP_OK(r == want && (out ? x && strcmp(x, out) == 0 : !x), "%s -> %d '%s' (got %d '%s')", line, want,
	       out ? out : "", r, x ? x : "");
	free(x);
}

int main(void)
{
	using_history();
	history_comment_char = '#';
	histexp_setup();
	add_history("echo one two three");
	add_history("ls -l /tmp");
	add_history("echo \"a b\" c");

	is("echo plain", HISTEXP_SAME, NULL);
	is("!!", HISTEXP_EXPANDED, "echo \"a b\" c");
	is("!1", HISTEXP_EXPANDED, "echo one two three");
	is("!-2 x", HISTEXP_EXPANDED, "ls -l /tmp x");
	is("!ls", HISTEXP_EXPANDED, "ls -l /tmp");
	is("!?two?", HISTEXP_EXPANDED, "echo one two three");
	is("echo !1:$ !1:^ !1:*", HISTEXP_EXPANDED, "echo three one one two three");
	is("echo !1:1-2 !1:0", HISTEXP_EXPANDED, "echo one two echo");
	is("cat !2:$:t", HISTEXP_EXPANDED, "cat tmp");
	is("^a b^x", HISTEXP_EXPANDED, "echo \"x\" c");
	is("^-l^-la", HISTEXP_ERROR, NULL); /* not in the last command */
	is("!!:s/c/d/", HISTEXP_EXPANDED, "edho \"a b\" c");
	is("!l:p", HISTEXP_PRINT, "ls -l /tmp");
	is("echo \"!!\"", HISTEXP_EXPANDED, "echo \"echo \"a b\" c\"");
	/* left alone: single quotes, $!, ${!x}, [!a], a ! before a blank, = or the end */
	is("echo '!!'", HISTEXP_SAME, NULL);
	is("echo $! ${!x} [!a]*", HISTEXP_SAME, NULL);
	is("echo hi! x ! y != z", HISTEXP_SAME, NULL);
	is("echo \"it's !!\"", HISTEXP_EXPANDED, "echo \"it's echo \"a b\" c\"");
	/* errors: a message, nothing to run */
	is("!nosuch", HISTEXP_ERROR, NULL);
	is("echo a!b", HISTEXP_ERROR, NULL);
	is("!99", HISTEXP_ERROR, NULL);
	return tap_done();
}
