/* key.c — the pre-shared key file: 64 hex digits, mode 0600, never
 * overwritten (SPEC §9). */
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rkey_load(const char *path, uint8_t key[RP_KEY_BYTES], struct errbuf *e)
{
	/* Not through a symlink: whoever can write the directory could point
	 * it at another key (ELOOP), and never another user's file: a root
	 * daemon with --user nobody must not take a key that nobody wrote. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0) {
		errbuf_set(e, "cannot open key file %s: %s", path,
			   errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	struct stat st;
	char buf[2 * RP_KEY_BYTES + 3];
	ssize_t n = -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errbuf_set(e, "key file %s is not a regular file", path);
	} else if (st.st_uid != geteuid() && st.st_uid != 0) {
		errbuf_set(e, "key file %s is owned by uid %u, not by uid %u or root", path,
			   (unsigned)st.st_uid, (unsigned)geteuid());
	} else if (st.st_mode & 077) {
		errbuf_set(e, "key file %s is accessible by group or others (mode %03o): chmod 600 it",
			   path, (unsigned)(st.st_mode & 0777));
	} else if ((n = read_full(fd, buf, sizeof buf)) < 0) {
		errbuf_set(e, "cannot read key file %s: %s", path, strerror(errno));
	}
	close(fd);
	if (n < 0)
		return -1;
	size_t len = (size_t)n;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	size_t bin_len = 0;
	if (len != 2 * RP_KEY_BYTES ||
	    sodium_hex2bin(key, RP_KEY_BYTES, buf, len, NULL, &bin_len, NULL) != 0 ||
	    bin_len != RP_KEY_BYTES) {
		sodium_memzero(buf, sizeof buf);
		errbuf_set(e, "key file %s does not hold 64 hex digits", path);
		return -1;
	}
	sodium_memzero(buf, sizeof buf);
	return 0;
}

int rkey_generate(const char *path, struct errbuf *e)
{
	uint8_t key[RP_KEY_BYTES];
	char hex[2 * RP_KEY_BYTES + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		errbuf_set(e, "cannot create key file %s: %s", path,
			   errno == EEXIST ? "it exists (never overwritten)" : strerror(errno));
		return -1;
	}
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	hex[2 * RP_KEY_BYTES] = '\n';
	int rc = 0;
	if (fchmod(fd, 0600) < 0 || write_all(fd, hex, 2 * RP_KEY_BYTES + 1) < 0 || fsync(fd) < 0) {
		errbuf_set(e, "cannot write key file %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (close(fd) < 0 && rc == 0) {
		errbuf_set(e, "cannot write key file %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(path);
	sodium_memzero(key, sizeof key);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

char *rkey_default_path(void)
{
	const char *k = getenv("IPCSH_KEY");
	if (k && *k)
		return xstrdup(k);
	const char *x = getenv("XDG_CONFIG_HOME");
	if (x && *x == '/')
		return xasprintf("%s/ipcsh/key", x);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.config/ipcsh/key", home);
	return NULL;
}
