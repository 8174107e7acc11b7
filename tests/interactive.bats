#!/usr/bin/env bats
# Living at the prompt (issue 13): the defects found side by side with
# bash, and the startup files (SPEC §7, §8). Driven on a real pty in tmux,
# as tests/repl.bats: every wait polls the screen.
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

@test "Ctrl-C of a job with relayed edges prints ^C and a new line, no relay message" {
	ish_start
	ish_type 'yes |[shm] cat |[mq:lines] wc -l'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	# three stages, two relays per edge
	ish_wait_for _pgrp_count_is "$pg" 7
	ish_keys C-c
	ish_wait_prompt
	ish_wait_for _pgrp_dead "$pg"
	run ish_screen
	refute_output --partial relay
	# the command line, ^C on its own line, the prompt right after
	ish_screen | grep -A2 -F 'ipc> yes |[shm]' >"$BATS_TEST_TMPDIR/after"
	printf '%s\n' 'ipc> yes |[shm] cat |[mq:lines] wc -l' '^C' 'ipc>' | diff - "$BATS_TEST_TMPDIR/after"
	ish_run 'echo $?'
	[ "$(ish_output)" = 130 ]
}

@test "Ctrl-D at a continuation prompt: the error on the PS2 line, then exit 2 as bash" {
	ish_start
	ish_type 'ls |'
	ish_keys Enter
	ish_wait '^> ?$'
	ish_keys C-d
	st=$(ish_wait_exit)
	[ "$st" = 2 ] || { echo "status $st"; ish_screen; false; }
	ish_wait '^> ipcsh: syntax error: unexpected end of file$'
	ish_wait '^exit$'
	# no blank line between the command and the message
	ish_screen | grep -A1 -Fx 'ipc> ls |' | tail -n 1 | grep -qx '> ipcsh: syntax error: unexpected end of file'
	# the unfinished command is in the history, as bash keeps it
	grep -qx 'ls |' "$ISH_HOME/state/ipcsh/history"
}

@test "Ctrl-D in an open quote with a stopped job: the warning, and the display stays aligned" {
	ish_start
	ish_type 'sleep 1000'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped +sleep 1000$'
	ish_wait_prompt
	ish_type 'echo "x'
	ish_keys Enter
	ish_wait '^> ?$'
	ish_mark
	ish_keys C-d
	ish_wait '^> ipcsh: syntax error: unexpected end of file$'
	ish_wait 'There are stopped jobs'
	ish_wait_prompt
	ish_run 'echo one'
	ish_run 'echo two'
	# every command's output right under it, the next prompt right after
	ish_screen | grep -A3 -x 'ipc> echo one' >"$BATS_TEST_TMPDIR/after"
	printf '%s\n' 'ipc> echo one' one 'ipc> echo two' two | diff - "$BATS_TEST_TMPDIR/after"
	ish_run 'kill %1'
	ish_wait_for _pgrp_dead "$pg"
}

@test "a background job with relays stopped by terminal input is Stopped; kill %1 ends it" {
	ish_start
	ish_run 'cat |[shm] wc -l &'
	[[ $(ish_output) =~ ^\[1\]\ ([0-9]+) ]]
	pid=${BASH_REMATCH[1]}
	pg=$(ps -o pgid= -p "$pid" | tr -d ' ')
	[ -n "$pg" ]
	# cat, wc and the two relays all stop, as with a plain |
	ish_wait_for _pgrp_all_in "$pg" T
	[ "$(pgrp_pids "$pg" | wc -l)" -eq 4 ]
	_reported() { ish_run ''; ish_screen | grep -Eq '^\[1\]\+  Stopped +cat \|\[shm\] wc -l$'; }
	ish_wait_for _reported
	ish_run 'jobs'
	[[ $(ish_output) =~ ^\[1\]\+\ +Stopped\ +cat\ \|\[shm\]\ wc\ -l$ ]]
	ish_run 'kill %1'
	ish_wait_for _pgrp_dead "$pg"
	ish_run ''
	ish_wait '^\[1\]\+  Terminated +cat \|\[shm\] wc -l$'
}

@test "completion: ~/ and \$HOME/ paths stay unquoted, names with spaces get backslashes" {
	mkdir -p "$BATS_TEST_TMPDIR/home/.localtest/share" "$BATS_TEST_TMPDIR/home/.conftest" \
		"$BATS_TEST_TMPDIR/home/my dir"
	echo inside >"$BATS_TEST_TMPDIR/home/my dir/file one"
	ish_start
	ish_type 'ls ~/.localt'
	ish_keys Tab
	ish_wait_for _ish_echoed 'ls ~/.localtest/'
	ish_type 'sh'
	ish_keys Tab
	ish_wait_for _ish_echoed 'ls ~/.localtest/share/'
	ish_keys Enter
	ish_wait_prompt
	ish_type 'ls -d $HOME/.conft'
	ish_keys Tab
	ish_wait_for _ish_echoed 'ls -d $HOME/.conftest/'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = "$BATS_TEST_TMPDIR/home/.conftest/" ]
	ish_type 'cat ~/my'
	ish_keys Tab
	ish_wait_for _ish_echoed 'cat ~/my\ dir/'
	ish_type 'fi'
	ish_keys Tab
	ish_wait_for _ish_echoed 'cat ~/my\ dir/file\ one'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = inside ]
	ish_type 'cat "${HOME}/my'
	ish_keys Tab
	ish_wait_for _ish_echoed 'cat "${HOME}/my dir/'
	ish_type 'fi'
	ish_keys Tab
	ish_wait_for _ish_echoed 'cat "${HOME}/my dir/file one"'
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_output)" = inside ]
}

@test "completion: an edge's options are offered once; cd offers directories only" {
	mkdir -p "$BATS_TEST_TMPDIR/dir_a" "$BATS_TEST_TMPDIR/dir_b"
	: >"$BATS_TEST_TMPDIR/dir_file"
	ish_start
	# lines is not offered again: the two left share their "m"
	ish_type 'echo x |[mq:lines,'
	ish_keys Tab
	ish_wait_for _ish_echoed 'echo x |[mq:lines,m'
	ish_keys Tab Tab
	ish_wait '^maxmsg= +msgsize=$'
	ish_keys C-c
	ish_wait_prompt
	ish_type 'echo x |[mq:maxmsg=4,lines,msg'
	ish_keys Tab
	ish_wait_for _ish_echoed 'echo x |[mq:maxmsg=4,lines,msgsize='
	ish_keys C-c
	ish_wait_prompt
	ish_type 'cd dir_'
	ish_keys Tab Tab
	ish_wait '^dir_a/ +dir_b/$'
	run ish_screen
	refute_output --partial dir_file
	ish_keys C-c
	ish_wait_prompt
	ish_type 'cd dir_a/..; cd dir_b'
	ish_keys Tab
	ish_wait_for _ish_echoed 'cd dir_a/..; cd dir_b/'
	ish_keys Enter
	ish_wait_prompt
	ish_run 'pwd'
	[ "$(ish_output)" = "$BATS_TEST_TMPDIR/dir_b" ]
}

@test "bash completion: ipcsh -t se Tab gives seqpacket without a space, so :lines can follow" {
	[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
	ISH_WRAPPER='exec bash --norc --noprofile -i' ish_start
	ish_run "source /usr/share/bash-completion/bash_completion; source '$BATS_TEST_DIRNAME/../completions/ipcsh'"
	ish_type 'ipcsh -t se'
	ish_keys Tab
	ish_wait_for _ish_echoed 'ipcsh -t seqpacket'
	ish_type ':l'
	ish_keys Tab
	ish_wait_for _ish_echoed 'ipcsh -t seqpacket:lines'
	ish_keys C-c
	ish_wait_prompt
}

@test "startup: \$XDG_CONFIG_HOME/ipcsh/rc is read before the first prompt; --norc skips it" {
	mkdir -p "$BATS_TEST_TMPDIR/home/config/ipcsh"
	cat >"$BATS_TEST_TMPDIR/home/config/ipcsh/rc" <<-'RC'
		PS1='ipc> '
		alias ll='echo from-rc-alias'
		greet() { echo "hello $1"; }
	RC
	ish_start --no-ps1
	ish_run 'll'
	[ "$(ish_output)" = from-rc-alias ]
	ish_run 'greet you'
	[ "$(ish_output)" = "hello you" ]
	ish_stop
	ISH_WRAPPER='exec "$1" --norc' ish_start
	ish_run 'type greet || echo no-greet'
	[[ $(ish_output) == *no-greet ]]
}

@test "startup: \$ENV (parameter-expanded) is read instead of the rc" {
	mkdir -p "$BATS_TEST_TMPDIR/home/config/ipcsh"
	echo 'FROM=xdg-rc' >"$BATS_TEST_TMPDIR/home/config/ipcsh/rc"
	echo 'FROM=env-file' >"$BATS_TEST_TMPDIR/home/envfile"
	ish_start 'ENV=$HOME/envfile'
	ish_run 'echo "$FROM"'
	[ "$(ish_output)" = env-file ]
}

@test "startup: a login shell (-l, or argv[0] -NAME) reads ~/.profile, then the rc" {
	mkdir -p "$BATS_TEST_TMPDIR/home/config/ipcsh"
	printf '%s\n' "PS1='ipc> '" 'ORDER=profile' >"$BATS_TEST_TMPDIR/home/.profile"
	echo 'ORDER="$ORDER rc"' >"$BATS_TEST_TMPDIR/home/config/ipcsh/rc"
	ISH_WRAPPER='exec "$1" -l' ish_start
	ish_run 'echo "$ORDER"'
	[ "$(ish_output)" = "profile rc" ]
	ish_stop
	ISH_WRAPPER='exec bash -c '\''exec -a -ipcsh "$0"'\'' "$1"' ish_start
	ish_run 'echo "$ORDER $0"'
	[ "$(ish_output)" = "profile rc -ipcsh" ]
	# not a login shell: no profile
	ish_stop
	ish_start
	ish_run 'echo "[$ORDER]"'
	[ "$(ish_output)" = "[ rc]" ]
}

@test "Ctrl-C of a remote stage: ^C, then the prompt on a line of its own" {
	load helpers/remote_lib
	# Keys where the interactive shell's XDG_CONFIG_HOME is (ish_start).
	remote_keys "$BATS_TEST_TMPDIR/home"
	remote_start D
	ish_start IPCSH_KEY="$REMOTE_KEY"
	ish_type "@127.0.0.1:$D_PORT sleep 4343"
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	_remote_sleeps() { pgrep -f '^sleep 4343$' >/dev/null; }
	ish_wait_for _remote_sleeps
	ish_keys C-c
	ish_wait_prompt
	ish_screen | grep -A2 -F "sleep 4343" >"$BATS_TEST_TMPDIR/after"
	printf '%s\n' "ipc> @127.0.0.1:$D_PORT sleep 4343" '^C' 'ipc>' | diff - "$BATS_TEST_TMPDIR/after"
	ish_run 'echo $?'
	[ "$(ish_output)" = 130 ]
	ish_wait_for _pgrp_gone "$pg"
}

# --- messages (not at a prompt, but found there) -------------------------

@test "messages: a quoted empty redirection names the file \"\", | [shm] hints at |[shm], mq lists its options" {
	run --separate-stderr ipcsh -c 'cat < "$NOPE"'
	assert_failure 1
	[ "$stderr" = "ipcsh: : No such file or directory" ]
	run --separate-stderr ipcsh -c 'cat < $NOPE'
	assert_failure 1
	[ "$stderr" = 'ipcsh: $NOPE: ambiguous redirect' ]
	run -127 --separate-stderr ipcsh -c 'seq 5 | [shm] cat'
	assert_failure 127
	[ "$stderr" = "ipcsh: [shm]: command not found (an edge is written |[shm], without a space)" ]
	run --separate-stderr ipcsh -c 'seq 5 |[mq:line] cat'
	assert_failure 2
	[[ $stderr == *"unknown option 'line' for transport 'mq' (msgsize, maxmsg, lines)" ]]
}

@test "messages: a run-time error in a script file has the FILE: line N: prefix of its syntax errors" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'echo a' 'nosuch_cmd_1' 'f() {' '  cat < "$NOPE"' '}' 'f' >s.ipcsh
	run --separate-stderr ipcsh s.ipcsh
	assert_failure 1
	[ "$output" = a ]
	[ "$stderr" = "$(printf '%s\n' 'ipcsh: s.ipcsh: line 2: nosuch_cmd_1: command not found' \
		'ipcsh: s.ipcsh: line 4: : No such file or directory')" ]
	printf '%s\n' 'echo a' 'if true; then' >bad.ipcsh
	run --separate-stderr ipcsh bad.ipcsh
	assert_failure 2
	[[ $stderr == "ipcsh: bad.ipcsh: line 3: column "*"syntax error"* ]]
}

@test "jobs -l lists every process of a pipeline, relays too; %sl Tab completes a job by its command" {
	ish_start
	ish_run 'sleep 1000 | cat &'
	ish_run 'sleep 1001 |[shm] cat &'
	ish_run 'jobs -l'
	run ish_output
	# the second job: its two stages, then its two relays, one line each
	[ "${#lines[@]}" -eq 6 ]
	assert_line --index 0 --regexp '^\[1\]- +[0-9]+ Running +sleep 1000 \| cat$'
	assert_line --index 1 --regexp '^ +[0-9]+$'
	assert_line --index 2 --regexp '^\[2\]\+ +[0-9]+ Running +sleep 1001 \|\[shm\] cat$'
	assert_line --index 3 --regexp '^ +[0-9]+$'
	assert_line --index 4 --regexp '^ +[0-9]+ +\(relay of edge 1->2\)$'
	assert_line --index 5 --regexp '^ +[0-9]+ +\(relay of edge 1->2\)$'
	# each pid listed is a live process of the job
	for pid in $(ish_output | grep -oE '^(\[[0-9]\][-+ ])? +[0-9]+' | grep -oE '[0-9]+$'); do
		[ -n "$(proc_state "$pid")" ]
	done
	ish_run 'kill %2'
	ish_type 'fg %sl'
	ish_keys Tab
	ish_wait_for _ish_echoed 'fg %sleep'
	ish_keys C-c
	ish_wait_prompt
	ish_run 'kill %1'
	ish_run ''
	ish_wait '^\[1\]\+ +Terminated +sleep 1000 \| cat$'
}

# --- the man page agrees with the shell ------------------------------------

@test "man page: it denies none of read, arithmetic and noclobber, which the shell has" {
	command -v man >/dev/null || skip "man is not installed"
	run --separate-stderr env MANPAGER=cat PAGER=cat MANWIDTH=200 LANG=C.UTF-8 man -l "$BATS_TEST_DIRNAME/../man/ipcsh.1"
	assert_success
	local page=$output
	run grep -iE 'no (noclobber|arithmetic|read)\b|(noclobber|arithmetic|read) (is|are) not' <<<"$page"
	assert_failure
	# what it says instead: >| overwrites even with noclobber (-C)
	grep -qE '>\|.{0,3} +is +.{0,3}>.{0,3} +that overwrites a file even with noclobber \(-C\)' <<<"$page"
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr ipcsh -c 'set -C; echo a >f; echo b >f; echo c >|f; read x <f; echo "$x $((1 + 2))"'
	assert_success
	[ "$output" = "c 3" ]
	[[ $stderr == *"f: cannot overwrite existing file" ]]
}

@test "--bench: header, table and notes fit 80 columns; one repetition shows no spread (–)" {
	run --separate-stderr ipcsh --bench --reps 1 --bytes 256K --transport pipe --transport shm
	assert_success
	local wide
	wide=$(sed 's/\xe2\x80\x93/-/g' <<<"$output" | awk 'length > 80')
	[ -z "$wide" ] || { echo "wider than 80: $wide"; false; }
	assert_line --regexp '^pipe +[0-9.]+ +[0-9.]+ +– .* verified$'
	assert_line --regexp '^shm +[0-9.]+ +[0-9.]+ +– .* verified$'
	run --separate-stderr ipcsh --bench --reps 2 --bytes 256K --transport pipe
	assert_success
	assert_line --regexp '^pipe +[0-9.]+ +[0-9.]+ +!?[0-9]+% .* verified$'
}

_ish_last_is() { [ "$(ish_last_line)" = "$1" ]; }

@test "set -b: a background job's end is reported at once, and the line being typed is drawn again" {
	ish_start
	ish_run 'set -b; echo "[$-]"'
	[[ $(ish_output) == *b* ]]
	ish_run 'sleep 0.3 &'
	ish_type 'echo typed'
	# no Enter: the notice comes by itself, then the prompt and the line again
	ish_wait 'Done +sleep 0.3'
	ish_wait_for _ish_last_is 'ipc> echo typed'
	ish_keys Enter
	ish_wait '^typed$'
	# without -b the notice waits for the next prompt, as bash
	ish_run 'set +b; sleep 0.3 &'
	ish_type 'echo two'
	sleep 1
	[ "$(ish_screen | grep -c 'Done')" = 1 ] || { ish_screen; false; }
	ish_keys Enter
	ish_wait_prompt
	[ "$(ish_screen | grep -c 'Done')" = 2 ] || { ish_screen; false; }
}

@test "Ctrl-X Ctrl-E edits the line in \$VISUAL, then runs what it holds; an editor that fails runs nothing" {
	printf '#!/bin/sh\nsed -i "s/foo/bar/" "$1"\n' >"$BATS_TEST_TMPDIR/ed"
	printf '#!/bin/sh\nexit 1\n' >"$BATS_TEST_TMPDIR/fail"
	chmod +x "$BATS_TEST_TMPDIR/ed" "$BATS_TEST_TMPDIR/fail"
	ish_start VISUAL="$BATS_TEST_TMPDIR/ed"
	ish_type 'echo foo-edited'
	ish_mark
	ish_keys C-x C-e
	ish_wait '^bar-edited$'
	ish_wait_prompt
	ish_run 'history | tail -n 2'
	[[ $(ish_output) == *"echo bar-edited"* ]] || { ish_screen; false; }
	ish_run "VISUAL=$BATS_TEST_TMPDIR/fail"
	ish_type 'echo not-run'
	ish_keys C-x C-e
	ish_wait_for _ish_last_is 'ipc> echo not-run'
	ish_keys C-u
	ish_run 'echo after'
	[ "$(ish_output)" = after ]
	! ish_screen | grep -qx 'not-run'
}
