/* test_keys.c — src/remote/keys.c: key lines, fingerprints, authorized_keys
 * with its options (and a malformed line named by file and line while the
 * rest loads), known_hosts lookups (match, unknown, changed), and the key
 * files of keyfile.c (0600, never overwritten, a symlink or a readable
 * private key refused). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remote/keyfile.h"
#include "remote/keys.h"
#include "remote/noise.h"
#include "tap.h"

static uint8_t k1[32], k2[32], k3[32];
static char *l1, *l2, *l3;   /* "ipcsh-x25519 BASE64" of each */

static struct sockaddr_storage addr(const char *a)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1)
		s6->sin6_family = AF_INET6;
	return ss;
}

static bool from_ok(const struct authkey *k, const char *a)
{
	struct sockaddr_storage ss = addr(a);
	return authkey_from_ok(k, (struct sockaddr *)&ss);
}

static void lines(void)
{
	uint8_t out[32];
	char *c = NULL, fp[KEY_FP_MAX];
	struct errbuf e;
	char *s = key_format(KEY_TYPE, k1, "alice@box one");
	TAP_OK(key_parse(KEY_TYPE, s, strlen(s), out, &c, &e) == 0 && !memcmp(out, k1, 32) &&
	       c && !strcmp(c, "alice@box one"), "a key line reads back with its comment: %s", s);
	free(c);
	TAP_OK(key_parse(KEY_TYPE_PRIVATE, s, strlen(s), out, NULL, &e) < 0,
	       "a public line is not a private key");
	TAP_OK(key_parse(KEY_TYPE, s, strlen(KEY_TYPE) + 10, out, NULL, &e) < 0,
	       "a cut key is refused: %s", e.msg);
	free(s);
	TAP_OK(key_parse(KEY_TYPE, "ipcsh-x25519 AAAA", 17, out, NULL, &e) < 0,
	       "a key of 3 bytes is refused");
	key_fingerprint(k1, fp);
	TAP_OK(!strncmp(fp, "SHA256:", 7) && strlen(fp) == 7 + 43,
	       "a fingerprint is SHA256: and 43 base64 digits: %s", fp);
	/* The fingerprint is the SHA-256 of the key: the all-zero key's is known. */
	uint8_t zero[32] = {0};
	key_fingerprint(zero, fp);
	TAP_OK(!strcmp(fp, "SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU"),
	       "the fingerprint of 32 zero bytes: %s", fp);
}

static void authorized(void)
{
	struct strbuf w = {0};
	char *text = xasprintf(
		"# admitted keys\n"
		"\n"
		"%s alice\n"
		"allow=\"cat,wc\",from=\"10.0.0.0/8,::1\",env=LANG %s bob\n"
		"command=\"sort -r -k\\\"2\",env=\"TZ,LC_ALL\" %s carol\n"
		"frob=1 %s mallory\n"
		"allow=\"\" %s eve\n"
		"from=\"10.0.0.300\" %s eve\n"
		"env=\"1X\" %s eve\n"
		"allow=cat,wc %s eve\n"
		"command=\"x %s eve\n"
		"%.20s\n"
		"allow=cat allow=wc %s eve\n"
		"allow=cat,allow=wc %s eve\n",
		l1, l2, l3, l1, l1, l1, l1, l1, l1, l1, l1, l1);
	struct authkeys *ak = authkeys_parse(text, strlen(text), "ak", &w);
	TAP_OK(ak->n == 3, "three good lines of 12 load (%zu)", ak->n);
	const char *want[] = {"ak:6: unknown option 'frob'", "ak:7: allow=: an empty list",
			      "ak:8: from=: '10.0.0.300'", "ak:9: env=: '1X'",
			      "ak:10: unknown option 'wc'", "ak:11: option 'command': a quote",
			      "ak:12: ", "ak:13: ", "ak:14: option allow= given twice"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		TAP_OK(w.buf && strstr(w.buf, want[i]), "warning '%s'", want[i]);
	const struct authkey *a = authkeys_find(ak, k1), *b = authkeys_find(ak, k2),
			     *c = authkeys_find(ak, k3);
	TAP_OK(a && a->line == 3 && !a->allow && !a->from && !a->command && !a->env &&
	       !strcmp(a->comment, "alice"), "alice: no options, line 3");
	TAP_OK(b && b->nallow == 2 && !strcmp(b->allow[0], "cat") && !strcmp(b->allow[1], "wc"),
	       "bob: allow=cat,wc");
	TAP_OK(b && from_ok(b, "10.1.2.3") && !from_ok(b, "11.0.0.1") && from_ok(b, "::1") &&
	       !from_ok(b, "::2") && from_ok(b, "::ffff:10.9.9.9") && !authkey_from_ok(b, NULL),
	       "bob: from= admits 10/8 and ::1 (and mapped IPv4), nothing else, not --stdio");
	TAP_OK(a && from_ok(a, "192.0.2.1") && authkey_from_ok(a, NULL), "alice: from anywhere");
	TAP_OK(b && authkey_env_ok(b, "LANG") && !authkey_env_ok(b, "PATH"), "bob: env=LANG only");
	TAP_OK(c && c->ncommand == 3 && !strcmp(c->command[0], "sort") &&
	       !strcmp(c->command[2], "-k\"2") && !c->command[3],
	       "carol: command= split into argv, \\\" unescaped");
	TAP_OK(c && authkey_env_ok(c, "TZ") && authkey_env_ok(c, "LC_ALL") &&
	       !authkey_env_ok(c, "LANG"), "carol: env=\"TZ,LC_ALL\"");
	authkeys_free(ak);
	sb_free(&w);
	free(text);

	/* Revoking: the same file without bob's line no longer admits bob. */
	text = xasprintf("%s alice\n%s carol\n", l1, l3);
	ak = authkeys_parse(text, strlen(text), "ak", NULL);
	TAP_OK(authkeys_find(ak, k1) && !authkeys_find(ak, k2) && authkeys_find(ak, k3),
	       "a key removed from the file is not admitted; the others are");
	authkeys_free(ak);
	free(text);
	/* NUL bytes and CRLF. */
	text = xasprintf("%s a\r\nx_y %s\n", l1, l2);
	size_t len = strlen(text);
	text[strlen(l1) + 5] = '\0';  /* the '_' */
	ak = authkeys_parse(text, len, "ak", &w);
	TAP_OK(ak->n == 1 && w.buf && strstr(w.buf, "ak:2: line holds a NUL byte") &&
	       !strcmp(ak->v[0].comment, "a"), "CRLF is a line end; a NUL byte spoils only its line");
	authkeys_free(ak);
	sb_free(&w);
	free(text);
}

static void known(void)
{
	unsigned line = 9;
	struct strbuf w = {0};
	char *text = xasprintf("# pins\nhost.example %s\nother:7500,[::1]:7501 %s\n"
			       "[fe80::1] %s\nbad:port %s\nhost.example:7434 %s\n",
			       l1, l2, l3, l1, l2);
	size_t n = strlen(text);
	TAP_OK(known_hosts_check(text, n, "kh", "host.example", "7433", k1, &line, &w) == KH_MATCH,
	       "a pinned host with its key matches");
	TAP_OK(known_hosts_check(text, n, "kh", "HOST.example", NULL, k1, &line, NULL) == KH_MATCH,
	       "host names compare without case; no port is 7433");
	TAP_OK(known_hosts_check(text, n, "kh", "host.example", "7433", k2, &line, NULL) ==
		       KH_CHANGED && line == 2, "the same host with another key is CHANGED, line 2");
	TAP_OK(known_hosts_check(text, n, "kh", "host.example", "7434", k2, &line, NULL) == KH_MATCH,
	       "the same name on another port is another host");
	TAP_OK(known_hosts_check(text, n, "kh", "::1", "7501", k2, &line, NULL) == KH_MATCH &&
	       known_hosts_check(text, n, "kh", "other", "7500", k2, &line, NULL) == KH_MATCH,
	       "a list of hosts on one line, IPv6 in brackets");
	TAP_OK(known_hosts_check(text, n, "kh", "fe80::1", "7433", k3, &line, NULL) == KH_MATCH,
	       "[v6] without a port is 7433");
	TAP_OK(known_hosts_check(text, n, "kh", "new.example", "7433", k1, &line, NULL) ==
		       KH_UNKNOWN, "a host of no line is UNKNOWN");
	TAP_OK(w.buf && strstr(w.buf, "kh:5: 'bad:port' is not HOST[:PORT]"),
	       "a malformed line is named: %s", w.buf ? w.buf : "");
	char *add = known_hosts_line("::1", "7501", k2);
	char *add2 = known_hosts_line("h", "7433", k1);
	TAP_OK(known_hosts_check(add, strlen(add), "kh", "::1", "7501", k2, NULL, NULL) == KH_MATCH &&
	       known_hosts_check(add2, strlen(add2), "kh", "h", NULL, k1, NULL, NULL) == KH_MATCH &&
	       !strncmp(add2, "h ipcsh-x25519 ", 15), "the line to add pins what it says: %s", add2);
	free(add);
	free(add2);
	sb_free(&w);
	free(text);
}

static void files(void)
{
	char dir[] = "/tmp/ipcsh-keys.XXXXXX", path[128];
	uint8_t pub[32], priv[32], pub2[32];
	struct errbuf e;
	struct stat st;
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/id", dir);
	TAP_OK(key_generate(path, "me@here", pub, &e) == 0, "a key pair is made");
	TAP_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "the private key is 0600");
	char pp[140];
	snprintf(pp, sizeof pp, "%s.pub", path);
	char *text;
	size_t len;
	uint8_t fromfile[32];
	TAP_OK(key_read_text(pp, false, &text, &len, &e) == 0 &&
	       key_parse(KEY_TYPE, text, strcspn(text, "\n"), fromfile, NULL, &e) == 0 &&
	       !memcmp(fromfile, pub, 32) && len == strcspn(text, "\n") + 1,
	       "id.pub is one line holding the public key");
	free(text);
	TAP_OK(key_load_private(path, priv, pub2, &e) == 0 && !memcmp(pub, pub2, 32),
	       "the private key loads and gives the same public key");
	TAP_OK(key_generate(path, NULL, pub, &e) < 0 && strstr(e.msg, "never overwritten"),
	       "an existing key is never overwritten: %s", e.msg);
	chmod(path, 0640);
	TAP_OK(key_load_private(path, priv, pub2, &e) < 0 && strstr(e.msg, "chmod 600"),
	       "a private key readable by the group is refused: %s", e.msg);
	chmod(path, 0600);
	char link[140];
	snprintf(link, sizeof link, "%s/link", dir);
	TAP_OK(symlink(path, link) == 0 && key_load_private(link, priv, pub2, &e) < 0 &&
	       strstr(e.msg, "symbolic link"), "a private key through a symlink is refused");
	char other[140];
	snprintf(other, sizeof other, "%s/other", dir);
	TAP_OK(symlink("/nonexistent", other) == 0 && key_generate(other, NULL, pub, &e) < 0,
	       "a dangling symlink is not written through");
	unlink(other);
	unlink(link);
	unlink(pp);
	unlink(path);
	rmdir(dir);
	sodium_memzero(priv, sizeof priv);
}

int main(void)
{
	uint8_t sk[32];
	if (sodium_init() < 0 || noise_keypair(sk, k1, false) < 0 ||
	    noise_keypair(sk, k2, false) < 0 || noise_keypair(sk, k3, false) < 0)
		return 1;
	l1 = key_format(KEY_TYPE, k1, NULL);
	l2 = key_format(KEY_TYPE, k2, NULL);
	l3 = key_format(KEY_TYPE, k3, NULL);
	lines();
	authorized();
	known();
	files();
	free(l1);
	free(l2);
	free(l3);
	return tap_done();
}
