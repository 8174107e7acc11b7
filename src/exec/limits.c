/* limits.c — a graph past the open file or process limits fails before
 * any of its processes starts, and the message names the limit.
 *
 * Open files: every edge of a pipeline and of its substitutions is
 * prepared before anything starts, so an EMFILE there fails the whole
 * graph in time; limit_fd_note() names RLIMIT_NOFILE in that message.
 * Processes: fork() fails with EAGAIN past RLIMIT_NPROC only once some of
 * the graph runs, so the count of processes a graph starts (stages,
 * substitutions, relays) is checked first against what is left of the
 * limit: the user's running tasks are counted only when the limit is
 * finite, applies (not for root) and the whole system's task count
 * (/proc/loadavg, one read) does not already show room enough.
 */
#include "limits.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../util/util.h"

const char *limit_fd_note(int err, char *buf, size_t len)
{
	struct rlimit rl;
	if (err == EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0)
		snprintf(buf, len, " (past the open file limit: RLIMIT_NOFILE, ulimit -n %llu)",
			 (unsigned long long)rl.rlim_cur);
	else if (err == ENFILE)
		snprintf(buf, len, " (past the system's open file limit: fs.file-max)");
	else
		buf[0] = '\0';
	return buf;
}

/* A small /proc file's first line into buf; 0 or -1. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* All tasks (threads) of the system: the 4th field of /proc/loadavg
 * ("0.1 0.2 0.3 2/459 1234"); -1 unknown. */
static long system_tasks(void)
{
	char b[128];
	if (read_small("/proc/loadavg", b, sizeof b) < 0)
		return -1;
	const char *slash = strchr(b, '/');
	return slash ? strtol(slash + 1, NULL, 10) : -1;
}

/* Tasks whose real uid is uid, as RLIMIT_NPROC counts them; -1 unknown. */
static long user_tasks(uid_t uid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	long n = 0;
	struct dirent *de;
	char path[64], b[2048];
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%.20s/status", de->d_name);
		if (read_small(path, b, sizeof b) < 0)
			continue; /* gone meanwhile */
		const char *u = strstr(b, "\nUid:");
		const char *t = strstr(b, "\nThreads:");
		if (u && strtoul(u + 5, NULL, 10) == uid)
			n += t ? strtol(t + 9, NULL, 10) : 1;
	}
	closedir(d);
	return n;
}

int limit_procs_check(const char *what, size_t need)
{
	static uid_t uid = (uid_t)-1; /* ipcsh never changes its real uid */
	if (uid == (uid_t)-1)
		uid = getuid();
	struct rlimit rl;
	if (!need || uid == 0 || getrlimit(RLIMIT_NPROC, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	unsigned long long lim = rl.rlim_cur;
	long all = system_tasks();
	if (all >= 0 && (unsigned long long)all + need <= lim)
		return 0;
	long mine = user_tasks(uid);
	if (mine < 0 || (unsigned long long)mine + need <= lim)
		return 0;
	bool cut = strlen(what) > 60;
	msg_err("%.*s%s: cannot start %zu processes: past the process limit (RLIMIT_NPROC, ulimit -u "
		"%llu, %ld running as this user): nothing started",
		cut ? 56 : 60, what, cut ? " ..." : "", need, lim, mine);
	errno = EAGAIN;
	return -1;
}
