/* trust.h — the client's identity and its pinned host keys (trust.c).
 * Private to src/remote/. */
#ifndef IPCSH_REMOTE_TRUST_H
#define IPCSH_REMOTE_TRUST_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"

/* The private key file: keyfile (--key), else $IPCSH_KEY, else
 * $XDG_CONFIG_HOME/ipcsh/id (~/.config/ipcsh/id). A heap string, or NULL. */
char *trust_identity_path(const char *keyfile);

/* Load that key (a secret: ours, 0600, not a symlink). 0, or -1 with e set. */
int trust_load_identity(const char *keyfile, uint8_t priv[KEY_BYTES], struct errbuf *e) WUR;

/* Is pub the key pinned for host:port in known_hosts? 0 when it is (or
 * was unknown and accept_new added it); -1 after printing why not (name
 * prefixes the messages): an unknown key with its fingerprint and the line
 * to add, or a changed key, loudly. */
int trust_check_host(const char *name, const char *host, const char *port,
		     const uint8_t pub[KEY_BYTES], bool accept_new) WUR;

#endif
