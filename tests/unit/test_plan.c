/* test_plan.c — the planner (--plan text and JSON, edge resolution
 * against -t) and word expansion, without running anything. */
#include <stdlib.h>
#include <string.h>

#include "exec/expand.h"
#include "exec/plan.h"
#include "exec/shell.h"
#include "parse/parse.h"
#include "tap.h"

extern char **environ;

static char *plan_of(const char *src, const char *dflt, bool json)
{
	struct arena a = {0};
	struct parse_error err;
	memset(&err, 0, sizeof err);
	struct ast_script *s = parse_script(&a, src, strlen(src), 1, &err);
	if (!s) {
		arena_free(&a);
		return xasprintf("ERROR %d: %s", err.line, err.msg);
	}
	struct edge_spec d = {.kind = EDGE_PIPE};
	struct errbuf eb;
	if (dflt && edge_spec_parse(dflt, strlen(dflt), &d, &eb) < 0)
		abort();
	struct strbuf sb = {0};
	plan_format(&sb, s, &d, json, "t");
	edge_spec_clear(&d);
	arena_free(&a);
	return sb_detach(&sb);
}

static void has(const char *hay, const char *needle, const char *what)
{
	TAP_OK(strstr(hay, needle) != NULL, "%s: has \"%s\"", what, needle);
	if (!strstr(hay, needle))
		printf("# got: %s\n", hay);
}

static void test_plan(void)
{
	char *p = plan_of("seq 3 |[shm:size=4M] grep $X > out && echo \"$HOME\" | @h1:99 cat", NULL, false);
	has(p, "pipeline 1 (line 1): seq 3 |[shm:size=4M] grep $X > out", "text");
	has(p, "edge 1->2: shm size=4M\n", "text");
	has(p, "stage 2: grep $X 1>out", "text unexpanded");
	has(p, "pipeline 2 (line 1) after &&", "text connector");
	has(p, "stage 2: @h1:99 cat", "text remote");
	has(p, "edge 1->2: pipe size=1M (default edge)", "text default edge");
	free(p);

	p = plan_of("a | b |[mq:msgsize=1K,maxmsg=4,lines] c &", "sock:buf=64K", true);
	has(p, "{\"from\":1,\"to\":2,\"transport\":\"sock\",\"default_edge\":true,\"options\":{\"buf\":65536}",
	    "json -t applies to a bare |");
	has(p, "\"transport\":\"mq\",\"default_edge\":false,\"options\":{\"msgsize\":1024,\"maxmsg\":4,\"lines\":true}",
	    "json written options");
	has(p, "\"background\":true", "json background");
	has(p, "\"argv\":[\"a\"]", "json argv");
	free(p);

	p = plan_of("cat <<EOF 2>&1 3>&-\nx\nEOF\n", NULL, true);
	has(p, "{\"fd\":0,\"op\":\"<<\",\"target\":\"EOF\"}", "json heredoc");
	has(p, "{\"fd\":2,\"op\":\">&\",\"target\":\"1\"}", "json dup");
	has(p, "{\"fd\":3,\"op\":\">&-\"", "json close");
	free(p);

	p = plan_of("a |[shm:size=x] b", NULL, false);
	has(p, "ERROR 1: syntax error", "bad option is a syntax error");
	free(p);
}

static char *fields(const char *raw)
{
	struct arena a = {0};
	struct strvec sv = {0};
	struct strbuf sb = {0};
	struct parse_error err;
	struct word *w = word_parse(&a, raw, strlen(raw), 1, 1, WORD_F_ASSIGN_WORD, &err);
	if (!w || expand_word_fields(&a, w, &sv) < 0)
		sb_adds(&sb, "ERR");
	for (size_t i = 0; i < sv.n; i++)
		sb_addf(&sb, "<%s>", sv.v[i]);
	arena_free(&a);
	return sb_detach(&sb);
}

static void expect_fields(const char *raw, const char *want)
{
	char *got = fields(raw);
	TAP_OK(strcmp(got, want) == 0, "expand %s -> %s", raw, want);
	if (strcmp(got, want))
		printf("# got %s\n", got);
	free(got);
}

static void test_expand(void)
{
	if (var_set("V", "a  b", 0) < 0 || var_set("E", "", 0) < 0 || var_set("HOME", "/h", 0) < 0)
		abort();
	char *pv[] = {"p 1", "p2"};
	params_set(pv, 2);
	expect_fields("x", "<x>");
	expect_fields("$V", "<a><b>");
	expect_fields("\"$V\"", "<a  b>");
	expect_fields("'$V'", "<$V>");
	expect_fields("$E", "");
	expect_fields("\"$E\"", "<>");
	expect_fields("x$E\"\"", "<x>");
	expect_fields("\"$@\"", "<p 1><p2>");
	expect_fields("\"a$@b\"", "<ap 1><p2b>");
	expect_fields("$*", "<p><1><p2>");
	expect_fields("\"$*\"", "<p 1 p2>");
	expect_fields("${#V}", "<4>");
	expect_fields("${U:-def}", "<def>");
	expect_fields("${E-set}", "");
	expect_fields("${E:+alt}", "");
	expect_fields("${V:+alt}", "<alt>");
	expect_fields("~/x", "</h/x>");
	expect_fields("\"~\"", "<~>");
	expect_fields("a\\ b", "<a b>");
	expect_fields("\"a\\$b\\\\\"", "<a$b\\>");
	expect_fields("$1$2", "<p><1p2>");
	expect_fields("${10}", "");
	expect_fields("$", "<$>");
	expect_fields("${", "ERR");
	expect_fields("${V!}", "ERR");
	expect_fields("/nonexistent-dir-ipcsh/*", "</nonexistent-dir-ipcsh/*>");
	expect_fields("/etc/passw[d]", "</etc/passwd>");
	expect_fields("'/etc/passw[d]'", "</etc/passw[d]>");
	if (var_set("IFS", ":", 0) < 0 || var_set("C", "a:b::c", 0) < 0)
		abort();
	expect_fields("$C", "<a><b><><c>");
	var_unset("IFS");
}

int main(void)
{
	shell_init(environ, "test_plan");
	test_plan();
	test_expand();
	return tap_done();
}
