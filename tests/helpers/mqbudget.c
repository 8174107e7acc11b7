/* mqbudget.c — test helper: can this user still create N message queues
 * with the default attributes? Creates them (O_EXCL, random names), prints
 * how many it got and why it stopped, removes them all, and exits 0 only
 * when all N were created. Used by make stress to show that no queue (and
 * no byte of RLIMIT_MSGQUEUE) was leaked.
 *   mqbudget [N]      (default 9: what the default limits allow per user)
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long want = argc > 1 ? strtol(argv[1], NULL, 10) : 9;
	if (want < 1 || want > 4096) {
		fprintf(stderr, "usage: mqbudget [N]\n");
		return 2;
	}
	char (*names)[64] = calloc((size_t)want, sizeof *names);
	if (!names)
		return 2;
	long got = 0;
	int why = 0;
	for (; got < want; got++) {
		snprintf(names[got], sizeof names[got], "/ipcsh-mqbudget-%ld-%ld", (long)getpid(), got);
		mqd_t q = mq_open(names[got], O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, NULL);
		if (q == (mqd_t)-1) {
			why = errno;
			break;
		}
		mq_close(q);
	}
	for (long i = 0; i < got; i++)
		mq_unlink(names[i]);
	free(names);
	if (got < want)
		printf("%ld of %ld queues: %s\n", got, want, strerror(why));
	else
		printf("%ld of %ld queues\n", got, want);
	return got == want ? 0 : 1;
}
