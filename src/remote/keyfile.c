/* keyfile.c — key files on disk (SPEC §9): making a key pair (never over
 * an existing file), loading a private key only from a file that is ours
 * and private, and `ipcsh --keygen [-f FILE] [-l] [-C COMMENT]`. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "noise.h"

char *key_config_dir(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	if (x && *x == '/')
		return xasprintf("%s/ipcsh", x);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.config/ipcsh", home);
	return NULL;
}

/* Write one line to a new file of the given mode; never over an old one. */
static int write_new(const char *path, const char *line, mode_t mode, struct errbuf *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		errbuf_set(e, "cannot create %s: %s", path,
			   errno == EEXIST ? "it exists (never overwritten)" : strerror(errno));
		return -1;
	}
	size_t n = strlen(line);
	int rc = 0;
	if (fchmod(fd, mode) < 0 || write_all(fd, line, n) < 0 || write_all(fd, "\n", 1) < 0 ||
	    fsync(fd) < 0)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	if (rc < 0) {
		errbuf_set(e, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
	}
	return rc;
}

int key_generate(const char *path, const char *comment, uint8_t pub[KEY_BYTES], struct errbuf *e)
{
	char *pubpath = xasprintf("%s.pub", path);
	struct stat st;
	uint8_t priv[KEY_BYTES];
	int rc = -1;
	if (lstat(path, &st) == 0 || lstat(pubpath, &st) == 0) {
		errbuf_set(e, "%s exists (never overwritten)",
			   lstat(path, &st) == 0 ? path : pubpath);
		goto out;
	}
	if (noise_keypair(priv, pub, false) < 0) {
		errbuf_set(e, "cannot make a key pair");
		goto out;
	}
	char *sline = key_format(KEY_TYPE_PRIVATE, priv, comment);
	char *pline = key_format(KEY_TYPE, pub, comment);
	rc = write_new(path, sline, 0600, e);
	if (rc == 0 && (rc = write_new(pubpath, pline, 0644, e)) < 0)
		unlink(path);
	sodium_memzero(sline, strlen(sline));
	free(sline);
	free(pline);
out:
	sodium_memzero(priv, sizeof priv);
	free(pubpath);
	return rc;
}

int key_read_text(const char *path, bool secret, char **text, size_t *len, struct errbuf *e)
{
	/* Never through a symlink for a secret: whoever can write the directory
	 * could point it at another key; never another user's secret. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (secret ? O_NOFOLLOW : 0));
	if (fd < 0) {
		errbuf_set(e, "cannot open %s: %s", path,
			   errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errbuf_set(e, "%s is not a regular file", path);
	} else if (secret && st.st_uid != geteuid()) {
		errbuf_set(e, "%s is owned by uid %u, not by uid %u", path, (unsigned)st.st_uid,
			   (unsigned)geteuid());
	} else if (secret && (st.st_mode & 077)) {
		errbuf_set(e, "%s is accessible by group or others (mode %03o): chmod 600 it", path,
			   (unsigned)(st.st_mode & 0777));
	} else if (st.st_size > KEY_FILE_MAX) {
		errbuf_set(e, "%s is larger than %u bytes", path, KEY_FILE_MAX);
	} else {
		*text = xmalloc((size_t)st.st_size + 1);
		ssize_t n = read_full(fd, *text, (size_t)st.st_size);
		if (n < 0) {
			errbuf_set(e, "cannot read %s: %s", path, strerror(errno));
			free(*text);
		} else {
			*len = (size_t)n;
			(*text)[n] = '\0';
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

int key_load_private(const char *path, uint8_t priv[KEY_BYTES], uint8_t pub[KEY_BYTES],
		     struct errbuf *e)
{
	char *text;
	size_t len;
	struct errbuf pe;
	if (key_read_text(path, true, &text, &len, e) < 0)
		return -1;
	size_t l = strcspn(text, "\r\n");
	int rc = key_parse(KEY_TYPE_PRIVATE, text, l, priv, NULL, &pe);
	if (rc < 0)
		errbuf_set(e, "%s: %s", path, pe.msg);
	else if ((rc = noise_keypair(priv, pub, true)) < 0)
		errbuf_set(e, "%s: not a usable key", path);
	sodium_memzero(text, len);
	free(text);
	return rc;
}

/* One fingerprint line per key of a private key file or a file of public
 * key lines (id.pub, authorized_keys, known_hosts), as ssh-keygen -l. */
static int key_list(const char *path)
{
	char *text;
	size_t len;
	struct errbuf e;
	uint8_t priv[KEY_BYTES], pub[KEY_BYTES];
	char fp[KEY_FP_MAX];
	int found = 0;
	if (key_read_text(path, false, &text, &len, &e) < 0) {
		msg_err("--keygen -l: %s", e.msg);
		return 1;
	}
	for (char *s = text, *nl; *s; s = nl + (*nl != '\0')) {
		nl = s + strcspn(s, "\n");
		size_t l = (size_t)(nl - s);
		char *t = memmem(s, l, KEY_TYPE " ", strlen(KEY_TYPE) + 1), *comment = NULL;
		bool secret = l >= strlen(KEY_TYPE_PRIVATE) &&
			      !memcmp(s, KEY_TYPE_PRIVATE, strlen(KEY_TYPE_PRIVATE));
		if (secret && key_parse(KEY_TYPE_PRIVATE, s, l, priv, &comment, &e) == 0 &&
		    noise_keypair(priv, pub, true) == 0) {
			/* fingerprint of the public half */
		} else if (!t || key_parse(KEY_TYPE, t, l - (size_t)(t - s), pub, &comment, &e) < 0) {
			continue;
		}
		key_fingerprint(pub, fp);
		printf("256 %s %s (X25519)\n", fp, comment ? comment : "no comment");
		free(comment);
		found++;
	}
	sodium_memzero(priv, sizeof priv);
	sodium_memzero(text, len);
	free(text);
	if (!found)
		msg_err("--keygen -l: %s: no %s key in it", path, KEY_TYPE);
	return found ? 0 : 1;
}

static char *default_comment(void)
{
	char host[256] = "";
	const char *user = getenv("USER");
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	return xasprintf("%s@%s", user && *user ? user : "user", *host ? host : "localhost");
}

int keygen_main(int argc, char **argv)
{
	const char *file = NULL, *comment = NULL;
	bool list = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			list = true;
		} else if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "-C")) && i + 1 < argc) {
			*(argv[i][1] == 'f' ? &file : &comment) = argv[i + 1];
			i++;
		} else {
			msg_err("--keygen: unknown argument '%s' (usage: ipcsh --keygen [-f FILE] "
				"[-C COMMENT] [-l])", argv[i]);
			return 2;
		}
	}
	for (const char *p = comment; p && *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			msg_err("--keygen: -C: the comment holds a control character");
			return 2;
		}
	char *dflt = NULL;
	if (!file) {
		char *dir = key_config_dir();
		if (!dir) {
			msg_err("--keygen: no HOME or XDG_CONFIG_HOME: give -f FILE");
			return 2;
		}
		/* ~/.config (or $XDG_CONFIG_HOME) and ipcsh in it, as ssh makes ~/.ssh */
		char *slash = strrchr(dir, '/');
		*slash = '\0';
		bool fail = !list && mkdir(dir, 0700) < 0 && errno != EEXIST;
		*slash = '/';
		fail = fail || (!list && mkdir(dir, 0700) < 0 && errno != EEXIST);
		if (fail) {
			msg_errno("--keygen: cannot create %s", dir);
			free(dir);
			return 1;
		}
		dflt = xasprintf(list ? "%s/id.pub" : "%s/id", dir);
		free(dir);
		file = dflt;
	}
	int rc;
	if (list) {
		rc = key_list(file);
	} else {
		struct errbuf e;
		uint8_t pub[KEY_BYTES];
		char *c = comment ? xstrdup(comment) : default_comment(), fp[KEY_FP_MAX];
		rc = key_generate(file, c, pub, &e) < 0 ? 1 : 0;
		if (rc)
			msg_err("--keygen: %s", e.msg);
		else {
			key_fingerprint(pub, fp);
			printf("Your key pair is in %s and %s.pub\nfingerprint: %s %s\n", file, file,
			       fp, c);
		}
		free(c);
	}
	free(dflt);
	return rc;
}
