/* keys.h — user and host keys as ssh users know them (SPEC §9): the key
 * line formats, fingerprints, the daemon's authorized_keys and the
 * client's known_hosts. The parsers here are pure (text in, structures
 * out, nothing read or printed) so that they can be fuzzed
 * (fuzz/fuzz_keys.c); keyfile.c does the files.
 *
 *   id.pub, authorized_keys key:  ipcsh-x25519 BASE64 [comment]
 *   id (0600):                     ipcsh-x25519-private BASE64 [comment]
 *   authorized_keys line:          [options] ipcsh-x25519 BASE64 [comment]
 *       options, comma-separated:  allow="CMD,…"  from="ADDR[/PREFIX],…"
 *                                  command="WORD …"  env="NAME,…"
 *       (a value without a comma or blank may go unquoted; in a quoted
 *        value \" is a quote and \\ a backslash)
 *   known_hosts line:              HOST[:PORT][,HOST[:PORT]…] ipcsh-x25519 BASE64
 *       (IPv6 as [ADDR] or [ADDR]:PORT; no port means 7433)
 * Blank lines and lines starting with '#' are skipped in both files.
 */
#ifndef IPCSH_REMOTE_KEYS_H
#define IPCSH_REMOTE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../util/util.h"

#define KEY_TYPE "ipcsh-x25519"
#define KEY_TYPE_PRIVATE "ipcsh-x25519-private"
#define KEY_BYTES 32u
#define KEY_LINE_MAX 8192u        /* longer lines are refused */
#define KEY_LIST_MAX 256u         /* items in one option list */
#define KEY_FP_MAX 64u            /* "SHA256:" and 43 base64 digits, NUL */

/* "SHA256:…" of a public key: base64 of its SHA-256, unpadded, as ssh. */
void key_fingerprint(const uint8_t pub[KEY_BYTES], char out[KEY_FP_MAX]);

/* "TYPE BASE64[ COMMENT]" (no newline); type KEY_TYPE or KEY_TYPE_PRIVATE. */
char *key_format(const char *type, const uint8_t key[KEY_BYTES], const char *comment);

/* Parse "TYPE BASE64 [comment]" of the given type from s (len bytes, one
 * line, no newline). The comment, when wanted and present, is allocated
 * into *comment. 0, or -1 with e set. */
int key_parse(const char *type, const char *s, size_t len, uint8_t key[KEY_BYTES],
	      char **comment, struct errbuf *e) WUR;

/* An address range of from=. */
struct key_net {
	sa_family_t family;           /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t prefix;
};

/* One admitted key and what it may do. Lists are NULL when the option is
 * absent (no restriction); command is NULL-terminated. */
struct authkey {
	uint8_t pub[KEY_BYTES];
	char *comment;
	unsigned line;
	char **allow;
	size_t nallow;
	struct key_net *from;
	size_t nfrom;
	char **command;
	size_t ncommand;
	char **env;
	size_t nenv;
};

struct authkeys {
	struct authkey *v;
	size_t n;
};

/* Parse an authorized_keys text. Never fails as a whole: each malformed
 * line is skipped with "FILE:LINE: reason\n" added to warn (when not
 * NULL), and the rest is loaded. */
struct authkeys *authkeys_parse(const char *text, size_t len, const char *file,
				struct strbuf *warn);
void authkeys_free(struct authkeys *ak);
/* The first entry for pub, or NULL. */
const struct authkey *authkeys_find(const struct authkeys *ak, const uint8_t pub[KEY_BYTES]);
/* Does the entry admit a connection from sa? Without from= every address
 * is; with from=, only an IPv4/IPv6 address inside one of its ranges
 * (an IPv4-mapped IPv6 address counts as IPv4; sa NULL, as under --stdio,
 * is not). */
bool authkey_from_ok(const struct authkey *k, const struct sockaddr *sa);
/* May the entry set the variable name (env=)? allow= names are resolved
 * to programs by the daemon, as --allow's are. */
bool authkey_env_ok(const struct authkey *k, const char *name);

enum kh_result { KH_UNKNOWN, KH_MATCH, KH_CHANGED };

/* Look host (a name, an IPv4 address or a bare IPv6 address) and port up in
 * a known_hosts text: KH_MATCH when a line pins pub for it, KH_CHANGED when
 * lines name it only with other keys (*line: the first of them), else
 * KH_UNKNOWN. Malformed lines are skipped, with a warning as above. */
enum kh_result known_hosts_check(const char *text, size_t len, const char *file,
				 const char *host, const char *port,
				 const uint8_t pub[KEY_BYTES], unsigned *line,
				 struct strbuf *warn);
/* The line pinning pub for host and port, with a newline. */
char *known_hosts_line(const char *host, const char *port, const uint8_t pub[KEY_BYTES]);

#endif
