/* path.c — $PATH search, shared by command lookup, exec and source. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell.h"

char *path_search(const char *name, bool want_exec, char **denied)
{
	const char *pv = var_get("PATH");
	if (!pv)
		pv = "/usr/local/bin:/usr/bin:/bin";
	if (denied)
		*denied = NULL;
	if (!*name)
		return NULL;
	for (const char *p = pv;; p++) {
		const char *colon = strchr(p, ':');
		size_t dl = colon ? (size_t)(colon - p) : strlen(p);
		/* An empty entry means the current directory. */
		char *cand = xasprintf("%.*s/%s", (int)dl, dl ? p : ".", name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (!want_exec || access(cand, X_OK) == 0) {
				if (denied && *denied) {
					free(*denied);
					*denied = NULL;
				}
				return cand;
			}
			if (denied && !*denied) {
				*denied = cand;
				cand = NULL;
			}
		}
		free(cand);
		if (!colon)
			return NULL;
		p = colon;
	}
}
