/* auth.c — which client keys ipcshd admits (SPEC §9, man/ipcshd.8): the
 * authorized_keys file, read again for every session (as sshd does), so
 * that removing a line revokes that key from the next connection on. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remote/keyfile.h"

char *daemon_authkeys_default(const char *home)
{
	return xasprintf("%s/.config/ipcsh/authorized_keys", home && *home ? home : "");
}

struct authkeys *daemon_authkeys_load(const char *path, struct strbuf *warn, struct errbuf *e)
{
	/* Whoever may write the file may admit any key (sshd's StrictModes). */
	struct stat st;
	if (stat(path, &st) < 0) {
		errbuf_set(e, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		errbuf_set(e, "%s is owned by uid %u, not by uid %u or root", path,
			   (unsigned)st.st_uid, (unsigned)geteuid());
		return NULL;
	}
	if (st.st_mode & 022) {
		errbuf_set(e, "%s may be written by group or others (mode %03o): chmod go-w it", path,
			   (unsigned)(st.st_mode & 0777));
		return NULL;
	}
	char *text;
	size_t len;
	if (key_read_text(path, false, &text, &len, e) < 0)
		return NULL;
	struct authkeys *ak = authkeys_parse(text, len, path, warn);
	free(text);
	return ak;
}

const struct authkey *daemon_authorize(const struct dconf *cf, int fd,
				       const uint8_t pub[KEY_BYTES], struct authkeys **ak,
				       struct errbuf *e)
{
	char fp[KEY_FP_MAX];
	key_fingerprint(pub, fp);
	*ak = daemon_authkeys_load(cf->authkeys, NULL, e);
	if (!*ak)
		return NULL;
	const struct authkey *k = authkeys_find(*ak, pub);
	if (!k) {
		errbuf_set(e, "key %s is not in %s", fp, cf->authkeys);
		return NULL;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	bool have = getpeername(fd, (struct sockaddr *)&ss, &sl) == 0;
	if (!authkey_from_ok(k, have ? (struct sockaddr *)&ss : NULL)) {
		errbuf_set(e, "key %s (%s:%u) is not admitted from this address (from=)", fp,
			   cf->authkeys, k->line);
		return NULL;
	}
	return k;
}
