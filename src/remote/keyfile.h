/* keyfile.h — key files on disk (formats in keys.h). */
#ifndef IPCSH_REMOTE_KEYFILE_H
#define IPCSH_REMOTE_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "keys.h"

#define KEY_FILE_MAX (1u << 20)  /* authorized_keys, known_hosts, key files */

/* $XDG_CONFIG_HOME/ipcsh, else $HOME/.config/ipcsh (allocated), or NULL. */
char *key_config_dir(void);

/* Make a key pair: path (0600, the private key) and path.pub (0644), never
 * over an existing file or through a symlink. pub gets the public key.
 * 0, or -1 with e set (nothing left behind). */
int key_generate(const char *path, const char *comment, uint8_t pub[KEY_BYTES],
		 struct errbuf *e) WUR;

/* Read a whole text file of at most KEY_FILE_MAX bytes (NUL-terminated
 * copy in *text). secret: refuse a symlink, a file of another owner, or one
 * that group or others may access. 0, or -1 with e set. */
int key_read_text(const char *path, bool secret, char **text, size_t *len,
		  struct errbuf *e) WUR;

/* Load a private key file (checked as a secret); pub is derived. */
int key_load_private(const char *path, uint8_t priv[KEY_BYTES], uint8_t pub[KEY_BYTES],
		     struct errbuf *e) WUR;

/* ipcsh --keygen [-f FILE] [-C COMMENT] [-l]: argv after --keygen; an
 * exit status. */
int keygen_main(int argc, char **argv);

#endif
