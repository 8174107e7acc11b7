/* trust.c — the client's side of identity (SPEC §9): which private key it
 * proves itself with, and whether the host's key is the one pinned in
 * $XDG_CONFIG_HOME/ipcsh/known_hosts (ssh's StrictHostKeyChecking: an
 * unknown host is refused unless --accept-new-host, a changed key always). */
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "keys.h"

char *trust_identity_path(const char *keyfile)
{
	if (keyfile && *keyfile)
		return xstrdup(keyfile);
	const char *k = getenv("IPCSH_KEY");
	if (k && *k)
		return xstrdup(k);
	char *dir = key_config_dir();
	char *p = dir ? xasprintf("%s/id", dir) : NULL;
	free(dir);
	return p;
}

int trust_load_identity(const char *keyfile, uint8_t priv[KEY_BYTES], struct errbuf *e)
{
	uint8_t pub[KEY_BYTES];
	char *path = trust_identity_path(keyfile);
	if (!path) {
		errbuf_set(e, "no key: set HOME or XDG_CONFIG_HOME, or use --key FILE");
		return -1;
	}
	struct errbuf le;
	int rc = key_load_private(path, priv, pub, &le);
	if (rc < 0) {
		bool missing = access(path, F_OK) < 0 && errno == ENOENT && !keyfile;
		errbuf_set(e, "%s%s", le.msg,
			   missing ? " (make your key pair with: ipcsh --keygen)" : "");
	}
	free(path);
	return rc;
}

/* Append line to the known_hosts file, creating it (and its directory)
 * private to us. */
static int append_line(const char *dir, const char *path, const char *line, struct errbuf *e)
{
	char *parent = xstrdup(dir), *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0700) < 0 && errno != EEXIST) { /* the next mkdir says why */ }
	}
	free(parent);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		errbuf_set(e, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write_all(fd, line, strlen(line)) < 0) {
		errbuf_set(e, "cannot add to %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

int trust_check_host(const char *name, const char *host, const char *port,
		     const uint8_t pub[KEY_BYTES], bool accept_new)
{
	char fp[KEY_FP_MAX];
	key_fingerprint(pub, fp);
	char *dir = key_config_dir();
	if (!dir) {
		msg_err("%s: no HOME or XDG_CONFIG_HOME: nowhere to look the host key %s up", name, fp);
		return -1;
	}
	char *path = xasprintf("%s/known_hosts", dir), *text = NULL;
	size_t len = 0;
	struct errbuf e;
	int rc = -1;
	if (access(path, F_OK) == 0 && key_read_text(path, false, &text, &len, &e) < 0) {
		msg_err("%s: %s", name, e.msg);
		goto out;
	}
	struct strbuf warn = {0};
	unsigned line = 0;
	enum kh_result r = known_hosts_check(text ? text : "", len, path, host, port, pub, &line,
					     &warn);
	if (warn.len)
		fprintf(stderr, "%s", warn.buf); /* "FILE:LINE: reason" lines */
	sb_free(&warn);
	char *want = known_hosts_line(host, port, pub);
	if (r == KH_MATCH) {
		rc = 0;
	} else if (r == KH_CHANGED) {
		msg_err("%s: WARNING: THE HOST KEY HAS CHANGED. The host now presents %s, but line %u "
			"of %s pins another key for it. Someone may be impersonating the host (a man "
			"in the middle), or its key was replaced. Nothing was sent to it. If you know "
			"the key was replaced, delete that line and connect again.", name, fp, line,
			path);
	} else if (accept_new) {
		if (append_line(dir, path, want, &e) < 0) {
			msg_err("%s: %s", name, e.msg);
		} else {
			msg_err("%s: added the host key %s to %s", name, fp, path);
			rc = 0;
		}
	} else {
		msg_err("%s: unknown host key %s: not in %s. If it is the key ipcshd showed at "
			"--genkey-host, add this line to that file (or connect once with "
			"--accept-new-host):", name, fp, path);
		fputs(want, stderr);
	}
	free(want);
out:
	free(text);
	free(path);
	free(dir);
	return rc;
}
