/* bench.h — the transport benchmark engine behind `ipcsh --bench` and `make bench`. */
#ifndef IPCSH_BENCH_H
#define IPCSH_BENCH_H

/* Run `ipcsh --bench ARGS`; returns the exit status. */
int bench_main(int argc, char **argv);

#endif
