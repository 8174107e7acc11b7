#!/usr/bin/env bats
# The interactive shell (SPEC §7, §8; issue 4), driven on a real pty in
# tmux: prompts, continuation, Ctrl-C/Ctrl-Z/Ctrl-D, job control with
# relayed edges, completion, history, full-screen programs.
load common
load helpers/tmux

setup() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	command -v pgrep >/dev/null || skip "pgrep (procps) is not installed"
}

teardown() {
	ish_teardown
	# A test that started daemons (helpers/remote_lib) stops them, even on failure.
	if declare -F remote_stop_all >/dev/null; then remote_stop_all; fi
}

@test "a pipeline runs and the shell stays for the next one" {
	ish_start
	ish_run 'echo hello | tr a-z A-Z'
	[ "$(ish_output)" = HELLO ]
	ish_run 'echo again |[shm] cat'
	[ "$(ish_output)" = again ]
}

@test "an expansion error drops the rest of that line only; the shell stays" {
	ish_start
	ish_run 'echo ${nope:?is not set}; echo same line'
	[ "$(ish_output)" = "ipcsh: nope: is not set" ]
	ish_run 'echo still here'
	[ "$(ish_output)" = "still here" ]
}

@test "default prompt: the directory, ending in # for root and \$ otherwise" {
	mkdir -p "$BATS_TEST_TMPDIR/home/sub dir"
	ISH_PROMPT_RE='^(~|/).*[$#]'
	ish_start --no-ps1
	local end='$'
	[ "$(id -u)" != 0 ] || end='#'
	[ "$(ish_last_line)" = "$BATS_TEST_TMPDIR$end" ]
	ish_run 'cd "$HOME/sub dir"'
	[ "$(ish_last_line)" = "~/sub dir$end" ]
}

@test "PS1 is expanded: \$PWD, \\w, \$(...), quotes kept" {
	ISH_PROMPT_RE='^<.*>'
	ish_start PS1='<$PWD|\w|$(echo sub)|'"'q'"'> '
	[[ $(ish_last_line) == "<$BATS_TEST_TMPDIR|$BATS_TEST_TMPDIR|sub|'q'>" ]]
	ish_run 'cd'
	[[ $(ish_last_line) == "<$BATS_TEST_TMPDIR/home|~|sub|'q'>" ]]
}

@test "continuation: 'seq 1 5 |' Enter 'tail -n 1' Enter prints 5, one history entry" {
	ish_start
	ish_type 'seq 1 5 |'
	ish_keys Enter
	ish_wait '^> $|^>$'
	ish_type 'tail -n 1'
	ish_keys Enter
	ish_wait_prompt
	ish_screen | grep -qx 5
	ish_type "echo 'open"
	ish_keys Enter
	ish_type "quote' &&"
	ish_keys Enter
	ish_type 'echo \'
	ish_keys Enter
	ish_type done
	ish_keys Enter
	ish_wait_prompt
	ish_screen | grep -qx 'quote'
	ish_screen | grep -qx 'done'
	ish_run 'history'
	run ish_output
	assert_line --regexp '^ +1  seq 1 5 \| tail -n 1$'
	assert_line --regexp "^ +2  echo 'open$"
	assert_line --regexp "^quote' && echo done$"
	assert_line --regexp '^ +3  history$'
	# a trailing |[..] edge, and a here-document body
	ish_type 'echo edge |[shm]'
	ish_keys Enter
	ish_wait '^> ?$'
	ish_type 'tr a-z A-Z'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = '> tr a-z A-Z
EDGE' ]
	ish_type 'cat <<EOF'
	ish_keys Enter
	ish_type 'body $HOME'
	ish_keys Enter
	ish_type 'EOF'
	ish_keys Enter
	ish_wait_prompt
	ish_screen | grep -qx "body $BATS_TEST_TMPDIR/home"
	ish_run 'history 2'
	run ish_output
	assert_line --regexp '^ +5  cat <<EOF$'
	assert_line 'body $HOME'
	assert_line --regexp '^ +6  history 2$'
	refute_line --partial 'echo edge'
}

@test "Ctrl-C at the prompt discards the line, also in a continuation" {
	ish_start
	ish_type 'echo SHOULD_NOT_RUN'
	ish_keys C-c
	ish_wait_prompt
	ish_wait '^ipc> echo SHOULD_NOT_RUN\^C$'
	ish_run 'echo status=$?'
	[ "$(ish_output)" = status=130 ]
	ish_type "echo 'unfinished"
	ish_keys Enter
	ish_wait '^> ?$'
	ish_type 'more'
	ish_keys C-c
	ish_wait_prompt
	ish_run 'echo ok'
	[ "$(ish_output)" = ok ]
	run ish_screen
	refute_line SHOULD_NOT_RUN
}

@test "Ctrl-Z at the prompt does nothing; Ctrl-D on an empty line exits with the last status" {
	ish_start
	ish_keys C-z
	ish_run 'echo still here'
	[ "$(ish_output)" = "still here" ]
	ish_run 'false'
	ish_keys C-d
	st=$(ish_wait_exit)
	[ "$st" = 1 ] || { echo "status $st"; ish_screen; false; }
	ish_wait '^ipc> exit$'
}

@test "Ctrl-Z stops a whole shm job with its relays; jobs, bg, fg, Ctrl-C; nothing left" {
	ish_start
	ish_type 'yes |[shm] cat >/dev/null'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	# yes, cat and the two shm relays
	ish_wait_for _pgrp_count_is "$pg" 4
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped +yes \|\[shm\] cat >/dev/null$'
	ish_wait_prompt
	ish_wait_for _pgrp_all_in "$pg" T
	[ "$(pgrp_pids "$pg" | wc -l)" -eq 4 ]
	[ "$(ish_fg_pgid)" = "$ISH_PID" ]
	ish_run 'jobs'
	[[ $(ish_output) =~ ^\[1\]\+\ +Stopped\ +yes\ \|\[shm\]\ cat\ \>/dev/null$ ]]
	ish_run 'bg'
	[ "$(ish_output)" = '[1]+ yes |[shm] cat >/dev/null &' ]
	ish_wait_for _pgrp_none_in "$pg" T
	ish_run 'jobs'
	[[ $(ish_output) =~ ^\[1\]\+\ +Running\ +yes ]]
	ish_type 'fg'
	ish_keys Enter
	ish_wait_for _ish_job_in_fg
	[ "$(ish_fg_pgid)" = "$pg" ]
	ish_keys C-c
	ish_wait_prompt
	ish_wait_for _pgrp_gone "$pg"
	ish_run 'jobs'
	[ -z "$(ish_output)" ]
}

@test "Ctrl-Z in a pipeline with an mq edge stops its relays too; kill %1 ends it" {
	ish_start
	ish_type 'yes |[mq:lines] cat >/dev/null'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	ish_wait_for _pgrp_count_is "$pg" 4
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped'
	ish_wait_for _pgrp_all_in "$pg" T
	ish_run 'kill %1'
	ish_wait_for _pgrp_gone "$pg"
	ish_run ''
	ish_wait '^\[1\]\+  Terminated +yes \|\[mq:lines\] cat >/dev/null$'
}

@test "a background job reports Done at the next prompt" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	ish_start
	ish_run 'cat go &'
	[[ $(ish_output) =~ ^\[1\]\ ([0-9]+)$ ]]
	pid=${BASH_REMATCH[1]}
	: >"$BATS_TEST_TMPDIR/go"
	_zombie_or_gone() { [[ $(proc_state "$pid") =~ ^(Z|)$ ]]; }
	ish_wait_for _zombie_or_gone
	ish_run ''
	[[ $(ish_output) =~ ^\[1\]\+\ +Done\ +cat\ go$ ]]
	ish_run 'jobs'
	[ -z "$(ish_output)" ]
}

@test "a background job stopped by terminal input is reported; jobs marks +/-, -l, -p" {
	ish_start
	ish_run 'cat &'
	# (the stop may be reported at once, before this prompt)
	[[ $(ish_output) =~ ^\[1\]\ ([0-9]+) ]]
	pid1=${BASH_REMATCH[1]}
	_stopped() { [ "$(proc_state "$pid1")" = T ]; }
	ish_wait_for _stopped
	ish_run ''
	ish_wait '^\[1\]\+  Stopped +cat$'
	ish_run 'sleep 1000 &'
	[[ $(ish_output) =~ ^\[2\]\ ([0-9]+)$ ]]
	pid2=${BASH_REMATCH[1]}
	ish_run 'jobs'
	run ish_output
	assert_line --regexp '^\[1\]-  Stopped +cat$'
	assert_line --regexp '^\[2\]\+  Running +sleep 1000$'
	ish_run 'jobs -l %2'
	[[ $(ish_output) =~ ^\[2\]\+\ +$pid2\ Running\ +sleep\ 1000$ ]]
	ish_run 'jobs -p %1'
	[ "$(ish_output)" = "$pid1" ]
	ish_run 'kill %1 %sleep'
	_both_gone() { [[ $(proc_state "$pid1")$(proc_state "$pid2") =~ ^Z?Z?$ ]]; }
	ish_wait_for _both_gone
	ish_run 'jobs'
	ish_wait '^\[1\]-  Terminated +cat$'
	ish_wait '^\[2\]\+  Terminated +sleep 1000$'
}

@test "kill %1 ends a background job" {
	ish_start
	ish_run 'sleep 1000 &'
	[[ $(ish_output) =~ ^\[1\]\ ([0-9]+)$ ]]
	pid=${BASH_REMATCH[1]}
	ish_run 'kill %1'
	_gone() { [[ $(proc_state "$pid") =~ ^(Z|)$ ]]; }
	ish_wait_for _gone
	ish_run ''
	ish_wait '^\[1\]\+ +Terminated +sleep 1000$'

}

@test "wait %1 returns the job's status" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	ish_start
	ish_run "sh -c 'read x <go; exit 3' &"
	ish_type 'wait %1; echo "status=$?"'
	ish_keys Enter
	printf 'x\n' >"$BATS_TEST_TMPDIR/go"
	ish_wait_prompt
	[ "$(ish_output)" = status=3 ]
}

@test "Ctrl-C interrupts wait (status 130); the job keeps running" {
	ish_start
	ish_run 'sleep 1000 &'
	[[ $(ish_output) =~ ^\[1\]\ ([0-9]+)$ ]]
	pid=${BASH_REMATCH[1]}
	ish_type 'wait %1'
	ish_keys Enter
	# readline gave the terminal back: the shell is running `wait`
	ish_wait_for ish_tty_cooked
	ish_keys C-c
	ish_wait_prompt
	ish_run 'echo status=$?'
	[ "$(ish_output)" = status=130 ]
	[ "$(proc_state "$pid")" = S ]
	ish_run 'kill %1'
}

@test "a hang-up ends the shell's jobs, running and stopped, and saves the history" {
	ish_start
	ish_run 'sleep 1000 &'
	[[ $(ish_output) =~ ^\[1\]\ ([0-9]+)$ ]]
	pid1=${BASH_REMATCH[1]}
	ish_type 'sleep 1001'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	ish_keys C-z
	ish_wait_prompt
	ish_stop
	_ish_jobs_gone() {
		[[ $(proc_state "$ISH_PID")$(proc_state "$pid1") =~ ^Z?Z?$ ]] && _pgrp_dead "$pg"
	}
	ish_wait_for _ish_jobs_gone
	grep -qx 'sleep 1001' "$BATS_TEST_TMPDIR/home/state/ipcsh/history"
}

@test "inputrc: \$if ipcsh applies (rl_readline_name)" {
	ISH_INPUTRC_EXTRA='$if ipcsh
"\C-xq": "echo from-inputrc"
$endif'
	ish_start
	ish_mark
	ish_keys C-x q
	ish_wait_for _ish_echoed 'echo from-inputrc'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = from-inputrc ]
}

@test "on exit the terminal goes back to the process group that had it" {
	# sh without job control starts ipcsh in its own group; after ipcsh
	# leaves, the terminal's foreground group is sh's again (fields 5 and
	# 8 of /proc/PID/stat: pgrp, tpgid), its modes are as before (stty -g),
	# and sh reads from it.
	ISH_WRAPPER='m=$(stty -g); "$1"; echo "after:$?"
		set -- $(cat /proc/$$/stat)
		[ "$5" = "$8" ] && echo "fg:sh" || echo "fg:$8, sh is $5"
		[ "$(stty -g)" = "$m" ] && echo "modes:same" || { echo "modes:changed"; stty -a; }
		read x; echo "got:$x"'
	ish_start
	ish_type 'exit 7'
	ish_keys Enter
	ish_wait '^after:7$'
	ish_wait '^modes:'
	run ish_screen
	assert_line 'fg:sh'
	assert_line 'modes:same'
	# C-j: a newline whatever the input modes, so that only the group and
	# the modes checked above decide whether sh reads the line
	tmx send-keys -t ish -l 'hello'
	ish_keys C-j
	ish_wait '^got:hello$'
}

@test "exit with a stopped job warns once, then hangs the job up" {
	ish_start
	ish_type 'sleep 1000'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped +sleep 1000$'
	ish_wait_prompt
	ish_run 'exit'
	[ "$(ish_output)" = 'There are stopped jobs.' ]
	[ "$(proc_state "$pg")" = T ]
	ish_type 'exit'
	ish_keys Enter
	ish_wait_exit >/dev/null
	ish_wait_for _pgrp_dead "$pg"
	[ "$(ish_screen | grep -c 'There are stopped jobs.')" -eq 1 ]
}

@test "Ctrl-D with a stopped job warns once too" {
	ish_start
	ish_type 'sleep 1000'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	ish_keys C-z
	ish_wait_prompt
	ish_mark
	ish_keys C-d
	ish_wait 'There are stopped jobs.'
	ish_wait_prompt
	ish_keys C-d
	ish_wait_exit >/dev/null
	ish_wait_for _pgrp_dead "$pg"
}

@test "completion: |[sh Tab gives |[shm, |[mq: Tab Tab lists mq's options" {
	ish_start
	ish_type 'echo x |[sh'
	ish_keys Tab
	ish_wait_for _ish_echoed 'echo x |[shm'
	ish_type '] cat'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = x ]
	ish_type 'echo x |[mq:'
	ish_keys Tab Tab
	ish_wait '^lines +maxmsg= +msgsize=$'
	ish_keys C-c
	ish_wait_prompt
	ish_type 'echo x |[mq:lines,max'
	ish_keys Tab
	ish_wait_for _ish_echoed 'echo x |[mq:lines,maxmsg='
}

@test "completion: a PATH command, a built-in, a file, a variable, a host" {
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/home/config/ipcsh"
	printf '#!/bin/sh\necho from-tool\n' >"$BATS_TEST_TMPDIR/bin/ipcshtesttool"
	chmod +x "$BATS_TEST_TMPDIR/bin/ipcshtesttool"
	echo content >"$BATS_TEST_TMPDIR/afile_for_completion.txt"
	printf 'alpha.example\n# a comment\nbeta.example\n' >"$BATS_TEST_TMPDIR/home/config/ipcsh/hosts"
	ish_start PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	ish_type 'ipcshtestt'
	ish_keys Tab
	ish_wait_for _ish_echoed 'ipcshtesttool'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = from-tool ]
	ish_type 'true | ipcshtestt'
	ish_keys Tab
	ish_wait_for _ish_echoed 'true | ipcshtesttool'
	ish_keys C-c
	ish_wait_prompt
	ish_type '2>&1 ipcshtestt'
	ish_keys Tab
	ish_wait_for _ish_echoed '2>&1 ipcshtesttool'
	ish_keys C-c
	ish_wait_prompt
	ish_type 'echo x >&2 | ipcshtestt'
	ish_keys Tab
	ish_wait_for _ish_echoed 'echo x >&2 | ipcshtesttool'
	ish_keys C-c
	ish_wait_prompt
	ish_type 'histo'
	ish_keys Tab
	ish_wait_for _ish_echoed 'history'
	ish_keys C-c
	ish_wait_prompt
	ish_type 'cat afile_for'
	ish_keys Tab
	ish_wait_for _ish_echoed 'cat afile_for_completion.txt'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = content ]
	ish_run 'MY_COMPLETION_VAR=42'
	ish_type 'echo $MY_COMPLETION_V'
	ish_keys Tab
	ish_wait_for _ish_echoed 'echo $MY_COMPLETION_VAR'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = 42 ]
	ish_type '@alp'
	ish_keys Tab
	ish_wait_for _ish_echoed '@alpha.example'
	ish_keys C-c
	ish_wait_prompt
	ish_type '@ssh:be'
	ish_keys Tab
	ish_wait_for _ish_echoed '@ssh:beta.example'
	ish_keys C-c
	ish_wait_prompt
	ish_type 'echo x |[fifo:size=64K,path=afile_f'
	ish_keys Tab
	ish_wait_for _ish_echoed 'echo x |[fifo:size=64K,path=afile_for_completion.txt'
	ish_keys C-c
	ish_wait_prompt
}

@test "completion: fg % lists the job specs with their commands" {
	ish_start
	ish_run 'sleep 1000 &'
	ish_run 'sleep 1001 &'
	[[ $(ish_output) =~ ^\[2\]\ ([0-9]+)$ ]]
	pid2=${BASH_REMATCH[1]}
	ish_type 'fg %'
	ish_keys Tab Tab
	ish_wait '^%1 +\[1\]-  sleep 1000$'
	ish_wait '^%2 +\[2\]\+  sleep 1001$'
	ish_keys C-c
	ish_wait_prompt
	ish_run 'kill %2'
	_gone() { [[ $(proc_state "$pid2") =~ ^(Z|)$ ]]; }
	ish_wait_for _gone
	ish_type 'fg %'
	ish_keys Tab
	ish_wait_for _ish_echoed 'fg %1'
	ish_keys C-c
	ish_wait_prompt
	ish_run 'kill %1'
}

@test "history survives two sessions and is capped at HISTFILESIZE" {
	ish_start HISTFILESIZE=3
	ish_run 'echo one'
	ish_run 'echo two'
	ish_run 'echo three'
	ish_run 'echo four'
	ish_type exit
	ish_keys Enter
	ish_wait_exit >/dev/null
	hist=$BATS_TEST_TMPDIR/home/state/ipcsh/history
	[ -f "$hist" ]
	[ "$(stat -c %a "$hist")" = 600 ]
	[ "$(stat -c %a "${hist%/*}")" = 700 ]
	ish_stop
	ish_start HISTFILESIZE=3
	ish_run 'history'
	run ish_output
	assert_output --regexp '^ +1  echo three
 +2  echo four
 +3  exit
 +4  history$'
	# the previous session's last command comes back with Up
	ish_keys Up Up
	ish_wait_for _ish_echoed 'ipc> exit'
	ish_keys C-c
	ish_wait_prompt
	ish_run 'history -c'
	ish_run 'history'
	[ "$(ish_output)" = '    1  history' ]
	# HISTSIZE caps the history in memory, at once
	ish_run 'HISTSIZE=2'
	ish_run 'echo five'
	ish_run 'history'
	run ish_output
	assert_output --regexp '^ +[0-9]+  echo five
 +[0-9]+  history$'
}

@test "a full-screen program gets the terminal; the shell's modes come back" {
	command -v less >/dev/null || skip "less is not installed"
	seq 1 200 | sed 's/^/line /' >"$BATS_TEST_TMPDIR/text"
	ish_start LESS= LESSHISTFILE=-
	ish_run 'stty -g >before'
	ish_type 'less text'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	ish_wait '^line 1$'
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped +less text$'
	ish_wait_prompt
	ish_run 'stty -g | cmp - before && echo same-after-stop'
	[ "$(ish_output)" = same-after-stop ]
	ish_type 'fg'
	ish_keys Enter
	ish_wait_for _ish_job_in_fg
	ish_keys G
	ish_wait '^line 200$'
	ish_keys q
	ish_wait_for _pgrp_gone "$pg"
	ish_wait_prompt
	ish_run 'stty -g | cmp - before && echo same-after-exit'
	[ "$(ish_output)" = same-after-exit ]
}

@test "a program that stops with the terminal raw: the shell restores its modes, fg gives the job its own" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	cat >"$BATS_TEST_TMPDIR/raw.py" <<'EOF'
import os, signal, sys, termios, tty
saved = termios.tcgetattr(0)
tty.setraw(0)
os.kill(0, signal.SIGSTOP)
raw = not (termios.tcgetattr(0)[3] & termios.ICANON)
termios.tcsetattr(0, termios.TCSADRAIN, saved)
print("raw-again" if raw else "cooked")
EOF
	ish_start
	ish_run 'stty -g >before'
	ish_type 'python3 raw.py'
	ish_keys Enter
	ish_wait '^\[1\]\+  Stopped +python3 raw.py$'
	ish_wait_prompt
	ish_run 'stty -g | cmp - before && echo restored'
	[ "$(ish_output)" = restored ]
	ish_run 'fg'
	run ish_output
	assert_line raw-again
	ish_run 'stty -g | cmp - before && echo same'
	[ "$(ish_output)" = same ]
}

@test "Ctrl-Z of a job with a remote stage stops the remote command; fg continues it; Ctrl-C ends it" {
	load helpers/remote_lib
	# Keys where the interactive shell's XDG_CONFIG_HOME is (ish_start).
	remote_keys "$BATS_TEST_TMPDIR/home"
	remote_start D
	ish_start IPCSH_KEY="$REMOTE_KEY"
	ish_type "seq 3 | @127.0.0.1:$D_PORT sleep 4242 |[shm] cat"
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	ish_wait_for _remote_sleep_in S
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped +seq 3'
	ish_wait_for _pgrp_all_in "$pg" T
	ish_wait_for _remote_sleep_in T
	ish_type 'fg'
	ish_keys Enter
	ish_wait_for _ish_job_in_fg
	ish_wait_for _remote_sleep_in S
	ish_keys C-c
	ish_wait_prompt
	ish_wait_for _pgrp_gone "$pg"
	ish_wait_for _remote_sleep_gone
}

# The state letter of the remote `sleep 4242` is one of $1.
_remote_sleep_in() {
	local pid
	pid=$(pgrep -f '^sleep 4242$' | head -1)
	[ -n "$pid" ] && [[ $(proc_state "$pid") == ["$1"] ]]
}
_remote_sleep_gone() { ! pgrep -f '^sleep 4242$' >/dev/null; }

@test "an unfinished compound command continues with PS2 and is one history entry" {
	ish_start PS2='more> '
	ish_type 'for i in 1 2; do'
	ish_keys Enter
	ish_wait '^more>$'
	ish_type 'echo "i=$i"'
	ish_keys Enter
	ish_type 'done'
	ish_keys Enter
	ish_wait_prompt
	ish_wait '^i=2$'
	ish_screen | grep -q '^i=1$'
	# Up recalls the whole loop, which runs again as one command.
	ish_mark
	ish_keys Up
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_screen | grep -c '^i=2$')" -eq 2 ]
}

@test "Ctrl-Z stops a job whose stage is a while loop; fg and Ctrl-C end it" {
	ish_start
	ish_type 'while true; do sleep 0.05; echo tick; done |[shm] cat >/dev/null'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	# the forked ipcsh running the loop, cat, the two relays (and a sleep)
	ish_wait_for _pgrp_count_at_least "$pg" 4
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped +while true; do sleep 0.05; echo tick; done \|\[shm\] cat >/dev/null$'
	ish_wait_prompt
	ish_wait_for _pgrp_all_in "$pg" T
	ish_run 'jobs'
	[[ $(ish_output) =~ ^\[1\]\+\ +Stopped\ +while ]]
	ish_type 'fg'
	ish_keys Enter
	ish_wait_for _ish_job_in_fg
	ish_wait_for _pgrp_none_in "$pg" T
	ish_keys C-c
	ish_wait_prompt
	ish_wait_for _pgrp_gone "$pg"
	ish_run 'jobs'
	[ -z "$(ish_output)" ]
}
