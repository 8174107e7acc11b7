/* keys.c — key lines, fingerprints, authorized_keys and known_hosts
 * (formats in keys.h). Pure: no files, no output. */
#include "keys.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto.h"  /* RP_PORT_DEFAULT */

void key_fingerprint(const uint8_t pub[KEY_BYTES], char out[KEY_FP_MAX])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, pub, KEY_BYTES);
	memcpy(out, "SHA256:", 7);
	sodium_bin2base64(out + 7, KEY_FP_MAX - 7, h, sizeof h,
			  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

char *key_format(const char *type, const uint8_t key[KEY_BYTES], const char *comment)
{
	char b64[sodium_base64_ENCODED_LEN(KEY_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, key, KEY_BYTES, sodium_base64_VARIANT_ORIGINAL);
	char *s = comment && *comment ? xasprintf("%s %s %s", type, b64, comment)
				      : xasprintf("%s %s", type, b64);
	sodium_memzero(b64, sizeof b64);
	return s;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next blank-delimited word of s[*at..len). */
static size_t word(const char *s, size_t len, size_t *at, const char **w)
{
	while (*at < len && blank(s[*at]))
		(*at)++;
	*w = s + *at;
	size_t n = 0;
	while (*at < len && !blank(s[*at]))
		(*at)++, n++;
	return n;
}

int key_parse(const char *type, const char *s, size_t len, uint8_t key[KEY_BYTES],
	      char **comment, struct errbuf *e)
{
	const char *t, *b;
	size_t at = 0, tn = word(s, len, &at, &t), bn = word(s, len, &at, &b), kl = 0;
	const char *end = NULL;
	if (comment)
		*comment = NULL;
	if (tn != strlen(type) || memcmp(t, type, tn) != 0) {
		errbuf_set(e, "not an %s key", type);
		return -1;
	}
	if (bn == 0 || sodium_base642bin(key, KEY_BYTES, b, bn, NULL, &kl, &end,
					 sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    kl != KEY_BYTES || end != b + bn) {
		errbuf_set(e, "the key is not %u bytes of base64", KEY_BYTES);
		return -1;
	}
	while (at < len && blank(s[at]))
		at++;
	size_t cl = len - at;
	while (cl > 0 && blank(s[at + cl - 1]))
		cl--;
	if (comment && cl)
		*comment = xstrndup(s + at, cl);
	return 0;
}

/* ---- option lists ------------------------------------------------------ */

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Split v on any of seps into non-empty items (a NULL-terminated vector). */
static char **split(const char *v, const char *seps, size_t *n, struct errbuf *e)
{
	char **out = xcalloc(1, sizeof *out);
	*n = 0;
	for (const char *p = v; *p;) {
		size_t l = strcspn(p, seps);
		if (l == 0) {
			p++;
			continue;
		}
		if (*n >= KEY_LIST_MAX) {
			errbuf_set(e, "more than %u items", KEY_LIST_MAX);
			strv_free(out, *n);
			return NULL;
		}
		out = xrealloc(out, (*n + 2) * sizeof *out);
		out[(*n)++] = xstrndup(p, l);
		out[*n] = NULL;
		p += l;
	}
	if (*n == 0) {
		errbuf_set(e, "an empty list");
		free(out);
		return NULL;
	}
	return out;
}

static int parse_net(const char *s, struct key_net *k)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t l = slash ? (size_t)(slash - s) : strlen(s);
	if (l >= sizeof a)
		return -1;
	memcpy(a, s, l);
	a[l] = '\0';
	memset(k, 0, sizeof *k);
	if (inet_pton(AF_INET, a, k->addr) == 1)
		k->family = AF_INET;
	else if (inet_pton(AF_INET6, a, k->addr) == 1)
		k->family = AF_INET6;
	else
		return -1;
	unsigned max = k->family == AF_INET ? 32 : 128;
	k->prefix = (uint8_t)max;
	if (slash) {
		char *end;
		unsigned long p = strtoul(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end || p > max)
			return -1;
		k->prefix = (uint8_t)p;
	}
	return 0;
}

/* One option of a line; name and value (NULL: none) are NUL-terminated. */
static int set_option(struct authkey *k, const char *name, const char *val, struct errbuf *e)
{
	struct errbuf le;
	if (strcmp(name, "allow") && strcmp(name, "env") && strcmp(name, "command") &&
	    strcmp(name, "from")) {
		errbuf_set(e, "unknown option '%.40s'", name);
		return -1;
	}
	if (!val) {
		errbuf_set(e, "option '%.40s' needs a value", name);
		return -1;
	}
	bool twice = false;
	if (strcmp(name, "allow") == 0) {
		twice = k->allow != NULL;
		if (!twice && !(k->allow = split(val, ",", &k->nallow, &le)))
			goto bad_list;
	} else if (strcmp(name, "env") == 0) {
		twice = k->env != NULL;
		if (!twice && !(k->env = split(val, ",", &k->nenv, &le)))
			goto bad_list;
		for (size_t i = 0; !twice && i < k->nenv; i++)
			if (!is_name(k->env[i], strlen(k->env[i]))) {
				errbuf_set(e, "env=: '%.40s' is not a variable name", k->env[i]);
				return -1;
			}
	} else if (strcmp(name, "command") == 0) {
		twice = k->command != NULL;
		if (!twice && !(k->command = split(val, " \t", &k->ncommand, &le)))
			goto bad_list;
	} else {  /* from */
		twice = k->from != NULL;
		size_t n;
		char **v = twice ? NULL : split(val, ",", &n, &le);
		if (!twice && !v)
			goto bad_list;
		if (!twice) {
			k->from = xcalloc(n, sizeof *k->from);
			k->nfrom = n;
			for (size_t i = 0; i < n; i++) {
				if (parse_net(v[i], &k->from[i]) < 0) {
					errbuf_set(e, "from=: '%.60s' is not an ADDRESS[/PREFIX]", v[i]);
					strv_free(v, n);
					return -1;
				}
			}
			strv_free(v, n);
		}
	}
	if (twice) {
		errbuf_set(e, "option %s= given twice", name);
		return -1;
	}
	return 0;
bad_list:
	errbuf_set(e, "%s=: %s", name, le.msg);
	return -1;
}

/* The options before the key type: name[=value] separated by commas, a
 * value quoted ("…" with \" and \\) or bare (up to a comma or blank).
 * Returns the offset where they end, or -1 with e set. */
static long parse_options(struct authkey *k, const char *s, size_t len, struct errbuf *e)
{
	size_t at = 0;
	char *name = NULL, *val = NULL;
	for (;;) {
		size_t n0 = at;
		while (at < len && ((s[at] >= 'a' && s[at] <= 'z') || s[at] == '-'))
			at++;
		if (at == n0) {
			errbuf_set(e, "an option or key type was expected");
			return -1;
		}
		name = xstrndup(s + n0, at - n0);
		if (at < len && s[at] == '=') {
			struct strbuf v = {0};
			at++;
			if (at < len && s[at] == '"') {
				for (at++; at < len && s[at] != '"'; at++) {
					if (s[at] == '\\' && at + 1 < len &&
					    (s[at + 1] == '"' || s[at + 1] == '\\'))
						at++;
					sb_addc(&v, s[at]);
				}
				if (at++ >= len) {
					sb_free(&v);
					errbuf_set(e, "option '%.40s': a quote is not closed", name);
					free(name);
					return -1;
				}
			} else {
				while (at < len && s[at] != ',' && !blank(s[at]))
					sb_addc(&v, s[at++]);
			}
			val = v.buf ? sb_detach(&v) : xstrdup("");
		}
		int rc = set_option(k, name, val, e);
		free(name);
		free(val);
		val = NULL;
		if (rc < 0)
			return -1;
		if (at < len && s[at] == ',') {
			at++;
			continue;
		}
		if (at < len && blank(s[at]))
			return (long)at;
		errbuf_set(e, "options must be followed by a blank and the key");
		return -1;
	}
}

static void authkey_clear(struct authkey *k)
{
	free(k->comment);
	strv_free(k->allow, k->nallow);
	strv_free(k->command, k->ncommand);
	strv_free(k->env, k->nenv);
	free(k->from);
	memset(k, 0, sizeof *k);
}

static int authkey_parse_line(struct authkey *k, const char *s, size_t len, struct errbuf *e)
{
	size_t tl = strlen(KEY_TYPE);
	long at = 0;
	if (!(len > tl && memcmp(s, KEY_TYPE, tl) == 0 && blank(s[tl])) &&
	    (at = parse_options(k, s, len, e)) < 0)
		return -1;
	return key_parse(KEY_TYPE, s + at, len - (size_t)at, k->pub, &k->comment, e);
}

/* Calls fn on each line that is not blank or a comment; a line too long
 * or holding a NUL is warned about here. */
typedef int (*line_fn)(void *ctx, const char *s, size_t len, unsigned lineno, struct errbuf *e);

static void each_line(const char *text, size_t len, const char *file, struct strbuf *warn,
		      line_fn fn, void *ctx)
{
	unsigned lineno = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t l = nl ? (size_t)(nl - (text + at)) : len - at;
		const char *s = text + at;
		at += l + (nl != NULL);
		lineno++;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		size_t lead = 0;
		while (lead < l && blank(s[lead]))
			lead++;
		if (lead == l || s[lead] == '#')
			continue;
		struct errbuf e;
		if (l > KEY_LINE_MAX)
			errbuf_set(&e, "line longer than %u bytes", KEY_LINE_MAX);
		else if (memchr(s, '\0', l))
			errbuf_set(&e, "line holds a NUL byte");
		else if (fn(ctx, s + lead, l - lead, lineno, &e) == 0)
			continue;
		if (warn)
			sb_addf(warn, "%s:%u: %s\n", file, lineno, e.msg);
	}
}

static int ak_line(void *ctx, const char *s, size_t len, unsigned lineno, struct errbuf *e)
{
	struct authkeys *ak = ctx;
	struct authkey k = {0};
	if (authkey_parse_line(&k, s, len, e) < 0) {
		authkey_clear(&k);
		return -1;
	}
	k.line = lineno;
	ak->v = xrealloc(ak->v, (ak->n + 1) * sizeof *ak->v);
	ak->v[ak->n++] = k;
	return 0;
}

struct authkeys *authkeys_parse(const char *text, size_t len, const char *file,
				struct strbuf *warn)
{
	struct authkeys *ak = xcalloc(1, sizeof *ak);
	each_line(text, len, file, warn, ak_line, ak);
	return ak;
}

void authkeys_free(struct authkeys *ak)
{
	if (!ak)
		return;
	for (size_t i = 0; i < ak->n; i++)
		authkey_clear(&ak->v[i]);
	free(ak->v);
	free(ak);
}

const struct authkey *authkeys_find(const struct authkeys *ak, const uint8_t pub[KEY_BYTES])
{
	for (size_t i = 0; i < ak->n; i++)
		if (sodium_memcmp(ak->v[i].pub, pub, KEY_BYTES) == 0)
			return &ak->v[i];
	return NULL;
}

static bool net_has(const struct key_net *n, sa_family_t fam, const uint8_t *a)
{
	if (n->family != fam)
		return false;
	unsigned full = n->prefix / 8, rest = n->prefix % 8;
	if (memcmp(n->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (n->addr[full] & mask) == (a[full] & mask);
}

bool authkey_from_ok(const struct authkey *k, const struct sockaddr *sa)
{
	if (!k->from)
		return true;
	sa_family_t fam;
	const uint8_t *a;
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		fam = AF_INET;
		a = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		bool mapped = IN6_IS_ADDR_V4MAPPED(a6);
		fam = mapped ? AF_INET : AF_INET6;
		a = a6->s6_addr + (mapped ? 12 : 0);
	} else {
		return false;
	}
	for (size_t i = 0; i < k->nfrom; i++)
		if (net_has(&k->from[i], fam, a))
			return true;
	return false;
}

bool authkey_env_ok(const struct authkey *k, const char *name)
{
	if (!k->env)
		return true;
	for (size_t i = 0; i < k->nenv; i++)
		if (strcmp(k->env[i], name) == 0)
			return true;
	return false;
}

/* ---- known_hosts ------------------------------------------------------- */

/* Split one host item "h", "h:p", "[v6]" or "[v6]:p" (no NUL inside). */
static int host_item(const char *s, size_t len, const char **h, size_t *hl, const char **p,
		     size_t *pl)
{
	*p = RP_PORT_DEFAULT;
	*pl = strlen(RP_PORT_DEFAULT);
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return -1;
		*h = s + 1;
		*hl = (size_t)(close - s) - 1;
		size_t rest = len - (size_t)(close - s) - 1;
		if (rest) {
			if (close[1] != ':' || rest < 2)
				return -1;
			*p = close + 2;
			*pl = rest - 1;
		}
	} else {
		const char *colon = memchr(s, ':', len);
		*h = s;
		*hl = colon ? (size_t)(colon - s) : len;
		if (colon) {
			if (memchr(colon + 1, ':', len - *hl - 1) || len - *hl < 2)
				return -1;
			*p = colon + 1;
			*pl = len - *hl - 1;
		}
	}
	for (size_t i = 0; i < *pl; i++)
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
	return *hl ? 0 : -1;
}

struct kh_ctx {
	const char *host, *port;
	const uint8_t *pub;
	enum kh_result r;
	unsigned line;
};

static int kh_line(void *ctx, const char *s, size_t len, unsigned lineno, struct errbuf *e)
{
	struct kh_ctx *c = ctx;
	size_t hosts = 0;
	while (hosts < len && !blank(s[hosts]))
		hosts++;
	uint8_t key[KEY_BYTES];
	if (key_parse(KEY_TYPE, s + hosts, len - hosts, key, NULL, e) < 0)
		return -1;
	bool named = false;
	for (size_t at = 0; at < hosts;) {
		const char *comma = memchr(s + at, ',', hosts - at);
		size_t l = comma ? (size_t)(comma - (s + at)) : hosts - at;
		const char *h, *p;
		size_t hl, pl;
		if (host_item(s + at, l, &h, &hl, &p, &pl) < 0) {
			errbuf_set(e, "'%.*s' is not HOST[:PORT]", (int)(l > 80 ? 80 : l), s + at);
			return -1;
		}
		named = named || (hl == strlen(c->host) && strncasecmp(h, c->host, hl) == 0 &&
				  pl == strlen(c->port) && memcmp(p, c->port, pl) == 0);
		at += l + 1;
	}
	if (!named)
		return 0;
	if (sodium_memcmp(key, c->pub, KEY_BYTES) == 0) {
		c->r = KH_MATCH;
	} else if (c->r == KH_UNKNOWN) {
		c->r = KH_CHANGED;
		c->line = lineno;
	}
	return 0;
}

enum kh_result known_hosts_check(const char *text, size_t len, const char *file,
				 const char *host, const char *port,
				 const uint8_t pub[KEY_BYTES], unsigned *line,
				 struct strbuf *warn)
{
	struct kh_ctx c = {.host = host, .port = port ? port : RP_PORT_DEFAULT, .pub = pub};
	each_line(text, len, file, warn, kh_line, &c);
	if (line)
		*line = c.r == KH_CHANGED ? c.line : 0;
	return c.r;
}

char *known_hosts_line(const char *host, const char *port, const uint8_t pub[KEY_BYTES])
{
	char *k = key_format(KEY_TYPE, pub, NULL), *s;
	bool v6 = strchr(host, ':') != NULL;
	if (!port || strcmp(port, RP_PORT_DEFAULT) == 0)
		s = v6 ? xasprintf("[%s] %s\n", host, k) : xasprintf("%s %s\n", host, k);
	else
		s = xasprintf(v6 ? "[%s]:%s %s\n" : "%s:%s %s\n", host, port, k);
	free(k);
	return s;
}
