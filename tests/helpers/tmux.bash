# tmux.bash — drive an interactive ipcsh on a real pty inside tmux.
#
# Each test gets a private tmux server (socket in $BATS_TEST_TMPDIR, no
# config file), a fixed 100x30 window, an inputrc without bracketed paste,
# TERM=screen (what tmux emulates, so full-screen programs work), and HOME,
# XDG_STATE_HOME and XDG_CONFIG_HOME inside the test's directory. Nothing
# waits a fixed time: every wait polls the screen (or /proc) with a timeout.
#
# The shell runs with PS1='ipc> ' unless the test says otherwise, and with
# IPCSH_TEST_TAG in its environment so that ish_teardown can find (and
# fail on) any process of the test that outlived its shell.

ISH_PROMPT_RE='^ipc>'
: "${ISH_TIMEOUT:=20}"

tmx() {
	env -u TMUX tmux -S "$BATS_TEST_TMPDIR/tmux.sock" "$@"
}

# ish_start [--no-ps1] [NAME=VALUE...]: start ipcsh in a new tmux server
# and wait for its first prompt. Assignments are added to (or override)
# its environment; --no-ps1 leaves PS1 unset (the default prompt).
# With ISH_WRAPPER set, sh -c "$ISH_WRAPPER" runs instead, ipcsh's path in $1.
ish_start() {
	local ps1=(PS1='ipc> ')
	if [ "${1:-}" = --no-ps1 ]; then
		ps1=()
		shift
	fi
	ISH_HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$ISH_HOME"
	printf 'set enable-bracketed-paste off\nset bell-style none\n%s\n' "${ISH_INPUTRC_EXTRA:-}" \
		>"$BATS_TEST_TMPDIR/inputrc"
	# a sanitizer build keeps the options the test run chose
	local san=() v
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -z "${!v:-}" ] || san+=("$v=${!v}")
	done
	ISH_TAG="IPCSH_TEST_TAG=$BATS_TEST_TMPDIR"
	tmx -f /dev/null start-server \; set-option -g remain-on-exit on \; \
		set-option -g history-limit 20000 \; \
		new-session -d -s ish -x 100 -y 30 -c "$BATS_TEST_TMPDIR" \
		env -i PATH="$PATH" HOME="$ISH_HOME" TERM=screen LANG=C \
		INPUTRC="$BATS_TEST_TMPDIR/inputrc" \
		XDG_STATE_HOME="$ISH_HOME/state" XDG_CONFIG_HOME="$ISH_HOME/config" \
		"${san[@]}" "${ps1[@]}" "$ISH_TAG" "$@" \
		${ISH_WRAPPER:+sh -c "$ISH_WRAPPER" sh} "$IPCSH"
	ISH_PID=$(tmx display-message -p -t ish '#{pane_pid}')
	ISH_MARK=0
	ish_wait_prompt
}

# ish_stop: end the tmux server (the shell gets SIGHUP). The socket goes
# too, so that an ish_start later in the same test starts a new server
# rather than reaching the one still shutting down ("server exited
# unexpectedly" was seen under load).
ish_stop() {
	tmx kill-server 2>/dev/null || true
	rm -f "$BATS_TEST_TMPDIR/tmux.sock"
}

# The whole pane (history and screen), wrapped lines joined, trailing blanks cut.
ish_screen() {
	tmx capture-pane -p -J -t ish -S - | sed 's/[[:space:]]*$//'
}

ish_last_line() {
	ish_screen | grep -v '^$' | tail -n 1
}

# ish_wait_for CONDITION-COMMAND...: poll until it succeeds, or fail
# showing the screen.
ish_wait_for() {
	local deadline=$((SECONDS + ISH_TIMEOUT))
	until "$@"; do
		if ((SECONDS > deadline)); then
			echo "timed out waiting for: $*" >&2
			echo "---- screen ----" >&2
			ish_screen >&2
			echo "---- shell $ISH_PID: state $(proc_state "$ISH_PID"), in $(cat "/proc/$ISH_PID/wchan" 2>/dev/null)" >&2
			cat "/proc/$ISH_PID/stack" >&2 2>/dev/null || true
			ps -o pid,pgid,stat,wchan:20,args --ppid "$ISH_PID" >&2 2>/dev/null || true
			echo "----------------" >&2
			return 1
		fi
		sleep 0.05
	done
}

_ish_shows() { ish_screen | grep -Eq -- "$1"; }
# ish_wait ERE: until a line of the pane matches.
ish_wait() { ish_wait_for _ish_shows "$1"; }

ish_prompts() { ish_screen | grep -Ec -- "$ISH_PROMPT_RE" || true; }
_ish_at_prompt() {
	[ "$(ish_prompts)" -ge "$1" ] && [[ $(ish_last_line) =~ $ISH_PROMPT_RE$ ]]
}
# ish_mark: remember how many prompts were shown (ish_type does it too).
ish_mark() { ISH_MARK=$(ish_prompts); }
# ish_wait_prompt: until a prompt after the mark is shown and is the last line.
ish_wait_prompt() { ish_wait_for _ish_at_prompt $((ISH_MARK + 1)); }

_ish_echoed() { [[ $(ish_last_line) == *"$1" ]]; }
# ish_type TEXT: type TEXT literally, wait until it is echoed.
ish_type() {
	ish_mark
	[ -n "$1" ] || return 0
	tmx send-keys -t ish -l -- "$1"
	local t=$1
	t=${t%"${t##*[![:space:]]}"}
	ish_wait_for _ish_echoed "$t"
}

# ish_keys KEY...: send tmux key names (Enter, Tab, C-c, C-z, C-d ...).
ish_keys() { tmx send-keys -t ish "$@"; }

# ish_run CMD: type CMD, press Enter, wait for the next bare prompt.
ish_run() {
	ish_type "$1"
	ish_keys Enter
	ish_wait_prompt
}

# Output of the last command run with ish_run: the lines after its
# command line, up to the final prompt.
ish_output() {
	ish_screen | grep -v '^$' | awk -v re="$ISH_PROMPT_RE" '
		$0 ~ re { prev = cur; cur = ""; next }
		{ cur = cur $0 "\n" }
		END { printf "%s", prev }'
}

# Process group in the terminal's foreground (the shell's own when idle).
ish_fg_pgid() {
	local stat
	stat=$(cat "/proc/$ISH_PID/stat") || return 1
	stat=${stat##*) }
	# after "(comm) ": state ppid pgrp session tty_nr tpgid
	set -- $stat
	echo "$6"
}

_ish_job_in_fg() {
	local pg
	pg=$(ish_fg_pgid) && [ "$pg" != "$ISH_PID" ] && [ "$pg" -gt 0 ]
}
# ish_wait_fg_job: until a job owns the terminal; prints its pgid.
ish_wait_fg_job() {
	ish_wait_for _ish_job_in_fg && ish_fg_pgid
}

# The pane's terminal is in canonical mode: readline is not reading (the
# shell runs a command, or the terminal belongs to a job).
ish_tty_cooked() {
	stty -a -F "$(tmx display-message -p -t ish '#{pane_tty}')" | grep -Eq '(^| )icanon( |$)'
}

# State letter (R S T Z ...) of a pid, empty if gone.
proc_state() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	echo "${stat%% *}"
}

pgrp_pids() { pgrep -g "$1" || true; }
_pgrp_count_is() { [ "$(pgrp_pids "$1" | wc -l)" -eq "$2" ]; }
_pgrp_count_at_least() { [ "$(pgrp_pids "$1" | wc -l)" -ge "$2" ]; }
_pgrp_gone() { [ -z "$(pgrp_pids "$1")" ]; }
# Gone or zombies (once the shell has exited its orphans are reaped by
# init, which in a container may be slow to do so).
_pgrp_dead() {
	local p
	for p in $(pgrp_pids "$1"); do
		[[ $(proc_state "$p") =~ ^(Z|)$ ]] || return 1
	done
}
# Every process of the group in state $2 (T: stopped).
_pgrp_all_in() {
	local p n=0
	for p in $(pgrp_pids "$1"); do
		[ "$(proc_state "$p")" = "$2" ] || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
# The terminal's foreground process group is $1 (as group $1's leader sees
# it: field 8 of /proc/PID/stat): after `fg`, a key such as C-z reaches the
# job only from then on.
_tty_fg_is() { [ "$(awk '{ print $8 }' /proc/"$1"/stat 2>/dev/null)" = "$1" ]; }
_pgrp_none_in() {
	local p
	for p in $(pgrp_pids "$1"); do
		[ "$(proc_state "$p")" != "$2" ] || return 1
	done
}

# How the shell ended: "N" (exit status) or "signal N". tmux marks the
# pane dead when the pty closes, which can be before it has the status, and
# under load its server was seen to leave the exited shell a zombie for
# long: a zombie's wait status is in /proc/PID/stat (field 52) meanwhile.
_ish_end() {
	local f stat
	f=$(tmx display-message -p -t ish '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}') || return 1
	if [[ $f =~ ^1:([0-9]+): ]]; then
		ISH_END=${BASH_REMATCH[1]}
	elif [[ $f =~ ^1::([0-9]+) ]]; then
		ISH_END="signal ${BASH_REMATCH[1]}"
	elif [ "$(proc_state "$ISH_PID")" = Z ] && stat=$(cat "/proc/$ISH_PID/stat" 2>/dev/null); then
		set -- ${stat##*) }
		[ $# -ge 50 ] || return 1
		local ws=${50}
		if ((ws & 0x7f)); then ISH_END="signal $((ws & 0x7f))"; else ISH_END=$(((ws >> 8) & 0xff)); fi
	else
		return 1
	fi
}
# ish_wait_exit: until the shell has exited; prints how (see _ish_end).
ish_wait_exit() {
	ish_wait_for _ish_end && echo "$ISH_END"
}

# Processes that carry this test's tag (the shell and all it started).
ish_tagged_pids() {
	grep -lxzF -- "$ISH_TAG" /proc/[0-9]*/environ 2>/dev/null |
		sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | grep -vx "$$" || true
}
_ish_none_tagged() { [ -z "$(ish_tagged_pids)" ]; }

# ish_teardown: stop tmux; fail if any process of the test is left
# (it is killed, so one failure does not leak into the next test).
ish_teardown() {
	[ -n "${ISH_TAG:-}" ] || return 0
	ish_stop
	local deadline=$((SECONDS + ISH_TIMEOUT)) left
	while left=$(ish_tagged_pids) && [ -n "$left" ]; do
		if ((SECONDS > deadline)); then
			echo "processes left behind by the test:" >&2
			# shellcheck disable=SC2086
			ps -o pid,pgid,stat,args -p "$(echo $left | tr ' ' ,)" >&2 || true
			# shellcheck disable=SC2086
			kill -KILL $left 2>/dev/null || true
			return 1
		fi
		sleep 0.05
	done
}
