/* stats.h — per-edge statistics after a pipeline (--stats, SPEC §6). */
#ifndef IPCSH_STATS_H
#define IPCSH_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "../transport/transport.h"

/* Print the edges' counters to stderr as text or one JSON object
 * (sh.stats says which). elapsed_ns: the pipeline's wall time. */
void stats_print(const char *text, struct edge *const *edges, size_t n, uint64_t elapsed_ns);

#endif
