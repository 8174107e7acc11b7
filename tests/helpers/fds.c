/* fds — print the fds this process has open, space-separated ("0 1 2"),
 * leaving out the one it uses to read /proc/self/fd. With -t, each as
 * N:TYPE (pipe, socket, fifo, file, chr, other). Used by the tests to
 * see exactly what an exec'd stage gets. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static const char *type(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return "bad";
	if (S_ISSOCK(st.st_mode))
		return "socket";
	if (S_ISFIFO(st.st_mode)) {
		char link[64], target[256];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		return strncmp(target, "pipe:", 5) == 0 ? "pipe" : "fifo";
	}
	if (S_ISREG(st.st_mode))
		return "file";
	if (S_ISCHR(st.st_mode))
		return "chr";
	return "other";
}

int main(int argc, char **argv)
{
	int types = argc > 1 && strcmp(argv[1], "-t") == 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 1;
	int self = dirfd(d), fds[4096], n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 4096)
		if (de->d_name[0] != '.' && atoi(de->d_name) != self)
			fds[n++] = atoi(de->d_name);
	qsort(fds, (size_t)n, sizeof *fds, cmp);
	for (int i = 0; i < n; i++) {
		if (types)
			printf("%s%d:%s", i ? " " : "", fds[i], type(fds[i]));
		else
			printf("%s%d", i ? " " : "", fds[i]);
	}
	printf("\n");
	closedir(d);
	return 0;
}
