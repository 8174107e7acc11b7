/* sig.c — inherited dispositions, traps, the self-pipe. */
#include "sig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/util.h"

static struct sigaction inherited[NSIG];
static bool trap_ignored[NSIG];   /* trap '' SIG */
static volatile sig_atomic_t pending[NSIG];
static volatile sig_atomic_t pending_some; /* any pending[] but SIGCHLD's set since the last look */
static int wake[2] = {-1, -1};
static bool job_control;          /* sig_job_control() ran */
/* What ipcsh believes of each disposition: not SIG_DFL. Every change ipcsh
 * makes goes through this file, so a child need not ask the kernel signal
 * by signal (a forked stage would spend a system call on each of 64). The
 * signals readline catches while it reads a line are asked anyway
 * (readline_sig) once the shell is interactive. */
static bool not_dfl[NSIG];
static bool interactive;

static bool readline_sig(int s)
{
	return s == SIGINT || s == SIGTERM || s == SIGHUP || s == SIGQUIT || s == SIGALRM ||
	       s == SIGTSTP || s == SIGTTIN || s == SIGTTOU || s == SIGWINCH;
}

static void on_signal(int sig)
{
	int e = errno;
	if (sig > 0 && sig < NSIG)
		pending[sig] = 1;
	if (sig != SIGCHLD)
		pending_some = 1;
	if (wake[1] >= 0) {
		char c = (char)sig;
		if (write(wake[1], &c, 1) < 0) { /* full: a wake-up is already pending */ }
	}
	errno = e;
}

static void catch_sig(int sig, bool restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(sig, &sa, NULL);
	not_dfl[sig] = true;
}

void sig_init(void)
{
	for (int s = 1; s < NSIG; s++) {
		sigaction(s, NULL, &inherited[s]);
		not_dfl[s] = inherited[s].sa_handler != SIG_DFL;
	}
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		wake[0] = wake[1] = -1;
	else {
		wake[0] = fd_move_high(wake[0]);
		wake[1] = fd_move_high(wake[1]);
	}
	/* SIGCHLD is caught only when interactive (sig_interactive): a
	 * script waits in waitpid() and needs no wake-up per child. */
}

void sig_job_control(void)
{
	job_control = true;
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	not_dfl[SIGTSTP] = not_dfl[SIGTTIN] = not_dfl[SIGTTOU] = true;
}

void sig_interactive(void)
{
	sig_job_control();
	interactive = true;
	catch_sig(SIGCHLD, true);
	signal(SIGQUIT, SIG_IGN);
	not_dfl[SIGQUIT] = true;
	/* Not SA_RESTART: readline's read must return so the line is cleared. */
	catch_sig(SIGINT, false);
}

int sig_wake_fd(void)
{
	return wake[0];
}

void sig_drain(void)
{
	char buf[64];
	while (wake[0] >= 0 && read(wake[0], buf, sizeof buf) > 0)
		;
}

bool sig_take(int sig)
{
	if (sig <= 0 || sig >= NSIG || !pending[sig])
		return false;
	pending[sig] = 0;
	return true;
}

bool sig_take_some(void)
{
	if (!pending_some)
		return false;
	pending_some = 0;
	return true;
}

bool sig_pending_any(void)
{
	for (int s = 1; s < NSIG; s++)
		if (pending[s] && s != SIGCHLD)
			return true;
	return false;
}

int sig_trap(int sig, const char *cmd)
{
	if (sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP) {
		errno = EINVAL;
		return -1;
	}
	trap_ignored[sig] = cmd && !*cmd;
	if (!cmd) {
		not_dfl[sig] = inherited[sig].sa_handler != SIG_DFL;
		return sigaction(sig, &inherited[sig], NULL);
	}
	if (!*cmd) {
		not_dfl[sig] = true;
		return signal(sig, SIG_IGN) == SIG_ERR ? -1 : 0;
	}
	catch_sig(sig, false);
	return 0;
}

void sig_child_default_set(sigset_t *set)
{
	sigemptyset(set);
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP || trap_ignored[s])
			continue;
		/* Jobs must stop on ^Z and on terminal access from the
		 * background even if ipcsh inherited these ignored (tmux
		 * starts panes with SIGTTIN and SIGTTOU ignored); bash does
		 * the same. */
		bool tty_sig = s == SIGTSTP || s == SIGTTIN || s == SIGTTOU;
		if (s != SIGPIPE && inherited[s].sa_handler == SIG_IGN && !(job_control && tty_sig))
			continue;
		/* A signal at its default needs no reset: leaving it out
		 * saves the child a system call per signal (posix_spawn does
		 * one per member of the set, for every stage). */
		struct sigaction cur;
		bool dfl = interactive && readline_sig(s)
			? sigaction(s, NULL, &cur) == 0 && cur.sa_handler == SIG_DFL
			: !not_dfl[s];
		if (dfl)
			continue;
		sigaddset(set, s);
	}
}

void sig_child_reset(void)
{
	sigset_t set;
	sig_child_default_set(&set);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&set, s) == 1) {
			signal(s, SIG_DFL);
			not_dfl[s] = false;
		}
	if (wake[0] >= 0) {
		close(wake[0]);
		close(wake[1]);
		wake[0] = wake[1] = -1;
	}
}

void sig_block_all(sigset_t *old)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, old);
}

void sig_restore(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static const struct {
	int sig;
	const char *name;
} names[] = {
	{SIGHUP, "HUP"}, {SIGINT, "INT"}, {SIGQUIT, "QUIT"}, {SIGILL, "ILL"}, {SIGTRAP, "TRAP"},
	{SIGABRT, "ABRT"}, {SIGBUS, "BUS"}, {SIGFPE, "FPE"}, {SIGKILL, "KILL"}, {SIGUSR1, "USR1"},
	{SIGSEGV, "SEGV"}, {SIGUSR2, "USR2"}, {SIGPIPE, "PIPE"}, {SIGALRM, "ALRM"}, {SIGTERM, "TERM"},
	{SIGCHLD, "CHLD"}, {SIGCONT, "CONT"}, {SIGSTOP, "STOP"}, {SIGTSTP, "TSTP"}, {SIGTTIN, "TTIN"},
	{SIGTTOU, "TTOU"}, {SIGURG, "URG"}, {SIGXCPU, "XCPU"}, {SIGXFSZ, "XFSZ"}, {SIGVTALRM, "VTALRM"},
	{SIGPROF, "PROF"}, {SIGWINCH, "WINCH"}, {SIGIO, "IO"}, {SIGPWR, "PWR"}, {SIGSYS, "SYS"},
};

int sig_from_name(const char *name)
{
	if (*name >= '0' && *name <= '9') {
		char *end;
		long v = strtol(name, &end, 10);
		return *end || v <= 0 || v >= NSIG ? -1 : (int)v;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcasecmp(names[i].name, name) == 0)
			return names[i].sig;
	return -1;
}

const char *sig_name(int sig)
{
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}
