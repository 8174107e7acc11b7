/* edgerun — run `PRODUCER |[SPEC] CONSUMER` through the transport ops
 * directly (tests/unit/edge_runner.h), without the executor: for tests
 * and quick throughput numbers.
 *
 *   edgerun [-s] [-v] [-t SECONDS] SPEC 'producer cmd' 'consumer cmd'
 *
 * -s prints "bytes=N msgs=M" (the edge's --stats counters) to stderr,
 * -v prints the options obtained and every process's status. Exit status:
 * the consumer's; 3 if a relay failed; 124 after the timeout (default 600). */
#include "../unit/edge_runner.h"

#include <getopt.h>

int main(int argc, char **argv)
{
	bool stats = false, verbose = false;
	int timeout = 600, c;
	while ((c = getopt(argc, argv, "svt:")) != -1) {
		switch (c) {
		case 's': stats = true; break;
		case 'v': verbose = true; break;
		case 't': timeout = atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: edgerun [-s] [-v] [-t SECONDS] SPEC PRODUCER CONSUMER\n");
		return 2;
	}
	struct er_stage p = {NULL, NULL, argv[optind + 1]}, q = {NULL, NULL, argv[optind + 2]};
	struct er_run r;
	if (er_start(&r, argv[optind], stats, &p, &q) < 0) {
		fprintf(stderr, "edgerun: %s\n", r.err.msg);
		return 1;
	}
	if (verbose)
		fprintf(stderr, "edgerun: %s: %s\n", r.e.ops->name, r.e.actual);
	er_wait(&r, timeout);
	if (stats)
		fprintf(stderr, "bytes=%llu msgs=%llu\n", (unsigned long long)r.e.stats->bytes,
			(unsigned long long)r.e.stats->msgs);
	if (verbose)
		fprintf(stderr, "edgerun: status producer=%d consumer=%d relay_in=%d relay_out=%d count=%d\n",
			er_code(&r, ER_PROD), er_code(&r, ER_CONS), er_code(&r, ER_RIN), er_code(&r, ER_ROUT),
			er_code(&r, ER_COUNT));
	int rc = er_code(&r, ER_CONS);
	for (int i = ER_RIN; i < ER_N; i++)
		if (er_code(&r, i) > 0)
			rc = 3;
	if (r.timed_out)
		rc = 124;
	er_free(&r);
	return rc;
}
