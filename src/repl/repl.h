/* repl.h — the interactive front end (GNU readline), SPEC §8. */
#ifndef IPCSH_REPL_H
#define IPCSH_REPL_H

/* Run the interactive loop until exit or EOF; returns the exit status.
 * Job control is already set up by the caller when available. */
int repl_main(void);

/* A login shell's files, before anything else runs: /etc/profile, then
 * ~/.profile. A file that is not there is skipped. */
void startup_profile(void);
/* An interactive shell's file: $ENV (parameter-expanded) if ENV is set,
 * else $XDG_CONFIG_HOME/ipcsh/rc (default ~/.config/ipcsh/rc). */
void startup_rc(void);

/* Hooks the core calls when the front end has set them (both NULL in a
 * non-interactive shell): the `history` built-in (defined in
 * src/builtin/builtin.c) and a last action before the shell exits
 * (defined in src/exec/run.c; the front end saves its history there). */
extern int (*builtin_history_hook)(int argc, char **argv);
/* fc's way to add the commands it runs to the history (src/builtin/fc.c). */
extern void (*fc_history_add)(const char *text);
extern void (*shell_exit_hook)(void);

#endif
