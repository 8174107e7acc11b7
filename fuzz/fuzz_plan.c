/* fuzz_plan.c — the planner (src/exec/plan.c) on whatever the parser
 * accepts: `--plan` must print text without a NUL byte, and `--plan=json`
 * one well-formed JSON value (strings escaped, brackets balanced), for any
 * script. Byte 0 picks the default edge (-t); the rest is the script. */
#include <stdint.h>
#include <string.h>

#include "exec/plan.h"
#include "parse/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small JSON checker: returns the end of the value at p, or NULL. */
static const char *json_value(const char *p, const char *end, int depth);

static const char *json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

static const char *json_string(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c != '\\')
			continue;
		if (++p >= end)
			return NULL;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (p + i >= end || !strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
					return NULL;
			p += 4;
		} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
			return NULL;
		}
	}
	return NULL;
}

static const char *json_number(const char *p, const char *end)
{
	const char *s = p;
	if (p < end && *p == '-')
		p++;
	while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
			   *p == '+' || *p == '-'))
		p++;
	return p > s ? p : NULL;
}

static const char *json_seq(const char *p, const char *end, int depth, char close, bool keys)
{
	p = json_ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (keys) {
			p = json_string(json_ws(p, end), end);
			if (!p)
				return NULL;
			p = json_ws(p, end);
			if (p >= end || *p != ':')
				return NULL;
			p++;
		}
		p = json_value(p, end, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		return p < end && *p == close ? p + 1 : NULL;
	}
}

static const char *json_value(const char *p, const char *end, int depth)
{
	if (depth > 64)
		return NULL;
	p = json_ws(p, end);
	if (p >= end)
		return NULL;
	switch (*p) {
	case '{': return json_seq(p, end, depth, '}', true);
	case '[': return json_seq(p, end, depth, ']', false);
	case '"': return json_string(p, end);
	case 't': return end - p >= 4 && !memcmp(p, "true", 4) ? p + 4 : NULL;
	case 'f': return end - p >= 5 && !memcmp(p, "false", 5) ? p + 5 : NULL;
	case 'n': return end - p >= 4 && !memcmp(p, "null", 4) ? p + 4 : NULL;
	default: return json_number(p, end);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const edges[] = {"pipe", "shm", "mq:lines", "fifo:size=64K", "sock:buf=1M"};
	if (size < 1)
		return 0;
	const char *e = edges[data[0] % (sizeof edges / sizeof *edges)];
	struct edge_spec dflt;
	struct errbuf eb;
	if (edge_spec_parse(e, strlen(e), &dflt, &eb) < 0)
		__builtin_trap();
	struct arena a = {0};
	struct parse_error err;
	struct ast_script *sc = parse_script(&a, (const char *)data + 1, size - 1, 1, &err);
	if (sc) {
		struct strbuf sb = {0};
		plan_format(&sb, sc, &dflt, false, "fuzz");
		if (sb.len && memchr(sb.buf, '\0', sb.len))
			__builtin_trap();
		sb_free(&sb);
		plan_format(&sb, sc, &dflt, true, "fuzz");
		const char *end = sb.buf ? sb.buf + sb.len : NULL;
		const char *p = sb.buf;
		/* One JSON object per line (--plan=json prints one per script). */
		while (p && p < end) {
			const char *q = json_value(p, end, 0);
			if (!q)
				__builtin_trap();
			p = json_ws(q, end);
		}
		sb_free(&sb);
	}
	arena_free(&a);
	return 0;
}
