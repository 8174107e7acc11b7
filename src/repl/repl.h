/* repl.h — the interactive front end (GNU readline), SPEC §8. */
#ifndef IPCSH_REPL_H
#define IPCSH_REPL_H

/* Run the interactive loop until exit or EOF; returns the exit status.
 * Job control is already set up by the caller when available. */
int repl_main(void);

#endif
