#!/usr/bin/env bats
# ipcshd against the attacks of an independent review (issue 14, SPEC §9,
# man/ipcshd.8 SECURITY): each test runs the attack against a real daemon on
# 127.0.0.1 and checks that it is refused or harmless, and that the honest
# use still works. Every daemon started here is stopped in teardown.

load common
load helpers/remote_lib

setup_file() {
	export REMOTE_DIR=$BATS_FILE_TMPDIR
	export REMOTE_KEY=$REMOTE_DIR/key
	"$IPCSHD" --genkey "$REMOTE_KEY"
	export IPCSH_KEY=$REMOTE_KEY
}

teardown_file() {
	remote_stop_all "$BATS_FILE_TMPDIR"
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	unset REMOTE_DIR
	FIRE=$IPCSH_BUILD/tests/helpers/daemon_fire
}

teardown() {
	remote_stop_all "$BATS_TEST_TMPDIR"
}

# Fields 4 to 7 of /proc/PID/stat (ppid pgrp session tty_nr) from a copy of
# that file in $1, after the command name (which may hold blanks).
stat_fields() {
	sed 's/^.*) //' "$1" | awk '{print $2, $3, $4, $5}'
}

@test "a command runs in its own session, without the daemon's controlling terminal" {
	command -v script >/dev/null || skip "no script(1)"
	# The daemon gets a terminal of its own (a pty from script), as when an
	# admin starts it from a shell.
	: >T.log
	# shellcheck disable=SC2046
	script -qec "exec '$IPCSHD' --listen 127.0.0.1:0 --key '$REMOTE_KEY' $(remote_root_flag) 2>'$PWD/T.log'" \
		/dev/null </dev/null >/dev/null 2>&1 &
	echo $! >>remote.pids
	remote_wait_file T.log 'listening on'
	local port
	port=$(sed -n 's/^ipcshd: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' T.log)
	run "$RCLIENT" "127.0.0.1:$port" sh -c 'cat /proc/$$/stat; cat /proc/$PPID/stat'
	assert_success
	sed -n 1p <<<"$output" >cmd.stat
	sed -n 2p <<<"$output" >session.stat
	read -r _ _ dsid dtty < <(stat_fields session.stat)
	read -r dpid _ _ _ < <(stat_fields session.stat)
	echo "$dpid" >>remote.pids # the daemon itself, stopped in teardown
	read -r _ cpgrp csid ctty < <(stat_fields cmd.stat)
	cpid=$(awk '{print $1}' cmd.stat)
	[ "$dtty" -ne 0 ] || skip "script gave the daemon no terminal"
	echo "daemon session $dsid tty $dtty; command pid $cpid session $csid tty $ctty"
	[ "$csid" != "$dsid" ]
	[ "$csid" = "$cpid" ]  # a session leader...
	[ "$cpgrp" = "$cpid" ] # ...and its group's leader: the group is signalled as one
	[ "$ctty" -eq 0 ]
	# It cannot open the daemon's terminal through /dev/tty either.
	run "$RCLIENT" "127.0.0.1:$port" sh -c '(true </dev/tty) 2>/dev/null && echo has-tty || echo no-tty'
	assert_output --partial no-tty
}

@test "descriptors the daemon inherited do not reach its commands" {
	exec 9>inherited
	remote_start E
	exec 9>&-
	run "$RCLIENT" "127.0.0.1:$E_PORT" sh -c 'readlink /proc/$$/fd/9 || echo closed'
	refute_output --partial inherited
	assert_output --partial closed
}

# A stand-in for ssh that runs the remote command here: IPCSH_SSH=$PWD/fakessh.
make_fakessh() {
	# shellcheck disable=SC2016 # expanded by the script
	printf '#!/bin/sh\nshift\nexec sh -c "$*"\n' >fakessh
	chmod +x fakessh
	export IPCSH_SSH=$PWD/fakessh
}

@test "--stdio applies --allow, --accept-env, --user and the root check" {
	make_fakessh
	local root
	root=$(remote_root_flag)
	IPCSH_REMOTE_CMD="$IPCSHD --stdio --allow cat $root" \
		run -126 --separate-stderr "$RCLIENT" ssh:x sh -c "touch '$PWD/marker'"
	[[ $stderr == *"sh: not allowed on this server (--allow)"* ]]
	[ ! -e marker ]
	IPCSH_REMOTE_CMD="$IPCSHD --stdio --allow cat $root" run "$RCLIENT" ssh:x cat <<<honest
	assert_success
	assert_output honest
	IPCSH_REMOTE_CMD="$IPCSHD --stdio $root" run --separate-stderr "$RCLIENT" -e FOO=1 ssh:x true
	[ "$status" -eq 1 ]
	[[ $stderr == *"FOO: environment variable not accepted"* ]]
	[ "$(id -u)" -eq 0 ] || return 0
	IPCSH_REMOTE_CMD="$IPCSHD --stdio" run --separate-stderr "$RCLIENT" ssh:x touch "$PWD/marker"
	[ "$status" -eq 255 ]
	[[ $stderr == *"refusing to run commands as root"* ]]
	[ ! -e marker ]
	IPCSH_REMOTE_CMD="$IPCSHD --stdio --user nobody" run "$RCLIENT" ssh:x id -un
	assert_output nobody
}

@test "only accepted environment names pass (--accept-env); a refused one is named" {
	command -v bash >/dev/null || skip "no bash"
	# shellcheck disable=SC2016
	printf '#!/bin/bash\necho script-ran\n' >script.sh
	chmod 755 script.sh
	remote_start E --allow "$PWD/script.sh"
	local h=127.0.0.1:$E_PORT v
	run "$RCLIENT" "$h" "$PWD/script.sh"
	assert_output script-ran
	for v in "BASH_ENV=\$(touch $PWD/marker)" "BASH_ENV=/dev/stdin" "SHELLOPTS=xtrace" \
		"PS4=\$(touch $PWD/marker)" "ENV=$PWD/x" "PATH=$PWD" "FOO=1"; do
		run --separate-stderr "$RCLIENT" -e "$v" -e "PS4=\$(touch $PWD/marker)" "$h" \
			"$PWD/script.sh" <<<"touch '$PWD/marker'"
		[ "$status" -eq 1 ]
		[[ $stderr == *"${v%%=*}: environment variable not accepted by this server"* ]]
		[ -z "$output" ]
		[ ! -e marker ]
	done
	grep -q "BASH_ENV: environment variable not accepted" E.log
	# LANG and LC_* pass by default; --accept-env widens the list.
	remote_start F --accept-env 'MY_*,OTHER'
	run "$RCLIENT" -e LANG=C -e LC_ALL=C -e MY_VAR=1 -e OTHER=2 "127.0.0.1:$F_PORT" \
		sh -c 'echo "$LANG $LC_ALL $MY_VAR $OTHER"'
	assert_output "C C 1 2"
	run --separate-stderr "$RCLIENT" -e MYVAR=1 "127.0.0.1:$F_PORT" true
	[ "$status" -eq 1 ]
	[[ $stderr == *"MYVAR: environment variable not accepted"* ]]
	# shellcheck disable=SC2046
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --key "$REMOTE_KEY" \
		$(remote_root_flag) --accept-env 'A=B'
	[ "$status" -eq 1 ]
	[[ $stderr == *"--accept-env: 'A=B' is not a name pattern"* ]]
}

@test "--allow runs the file it checked: a symlink flipped after the check never runs" {
	mkdir d
	# shellcheck disable=SC2016
	printf '#!/bin/sh\n: >"%s/marker"\n' "$PWD" >d/evil
	chmod 755 d/evil
	local cat
	cat=$(command -v cat)
	ln -s "$cat" d/cat
	remote_start E --allow cat
	# Flip d/cat between the allowed cat and d/evil, atomically, all along.
	(
		while :; do
			ln -sfn "$cat" d/cat.new && mv -T d/cat.new d/cat
			ln -sfn evil d/cat.new && mv -T d/cat.new d/cat
		done
	) &
	local flipper=$! i ran=0
	for ((i = 0; i < 200; i++)); do
		if "$RCLIENT" "127.0.0.1:$E_PORT" "$PWD/d/cat" <<<x 2>/dev/null | grep -qx x; then
			ran=$((ran + 1))
		fi
		[ ! -e marker ] || break
	done
	kill "$flipper"
	wait "$flipper" || true
	echo "cat ran $ran times of $i"
	[ ! -e marker ]
	[ "$ran" -gt 0 ]
}

@test "--allow-exact pins a command's arguments" {
	remote_start E --allow-exact 'sort -u' --allow-exact 'printf %s pinned' --allow cat
	local h=127.0.0.1:$E_PORT
	run "$RCLIENT" "$h" sort -u <<<$'b\na\nb'
	assert_output $'a\nb'
	run "$RCLIENT" "$h" "$(command -v printf)" %s pinned
	assert_output pinned
	run "$RCLIENT" "$h" cat <<<"any arguments: cat is --allow"
	assert_success
	for args in "sort -o $PWD/written" "sort -u -o $PWD/written" "sort" \
		"sort --compress-program=sh -u" "printf %s pinned x" "printf %s"; do
		# shellcheck disable=SC2086 # the words of args
		run -126 --separate-stderr "$RCLIENT" "$h" $args </dev/null
		[[ $stderr == *"not allowed on this server"* ]]
	done
	[ ! -e written ]
	# shellcheck disable=SC2046
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --key "$REMOTE_KEY" \
		$(remote_root_flag) --allow-exact ' '
	[ "$status" -eq 1 ]
	[[ $stderr == *"--allow-exact: empty command"* ]]
}

@test "key files: a symlink, or a file of another user, is refused" {
	cp "$REMOTE_KEY" real.key
	ln -s real.key link.key
	# shellcheck disable=SC2046
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --key link.key $(remote_root_flag)
	[ "$status" -eq 1 ]
	[[ $stderr == *"cannot open key file link.key: it is a symbolic link"* ]]
	remote_start E --key real.key
	run --separate-stderr "$RCLIENT" -k link.key "127.0.0.1:$E_PORT" true
	[ "$status" -eq 255 ]
	[[ $stderr == *"it is a symbolic link"* ]]
	run "$RCLIENT" -k real.key "127.0.0.1:$E_PORT" echo honest
	assert_output honest
	[ "$(id -u)" -eq 0 ] || return 0
	# Root reading a key that nobody owns (and so could have written).
	cp "$REMOTE_KEY" nobody.key
	chown nobody nobody.key
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --key nobody.key --user nobody
	[ "$status" -eq 1 ]
	[[ $stderr == *"key file nobody.key is owned by uid $(id -u nobody), not by uid 0 or root"* ]]
	run --separate-stderr "$RCLIENT" -k nobody.key "127.0.0.1:$E_PORT" true
	[ "$status" -eq 255 ]
	[[ $stderr == *"is owned by uid"* ]]
}

@test "logs and ERROR texts escape every non-printable byte: no forged line, no ESC" {
	remote_start E
	local h=127.0.0.1:$E_PORT
	run -127 --separate-stderr "$RCLIENT" "$h" $'no-such\nipcshd: 127.0.0.1:1: FORGED\e[31m\xe2\x80\xae'
	[ "$status" -eq 127 ]
	# The daemon sent the name escaped, and the client shows it as sent.
	[[ $stderr == *'no-such\nipcshd: 127.0.0.1:1: FORGED\x1b[31m\xe2\x80\xae: command not found'* ]]
	run "$RCLIENT" "$h" printf '%s' $'a\nipcshd: 127.0.0.1:2: FORGED\e]0;title\a'
	assert_success
	cat E.log
	! grep -q 'FORGED' <(grep -v '^ipcshd: 127\.0\.0\.1:[0-9]*: ' E.log)
	! grep -q '^ipcshd: 127\.0\.0\.1:[12]: ' E.log
	[ "$(tr -d '\n[:print:]' <E.log | wc -c)" -eq 0 ] # nothing but printable ASCII
	grep -qF "printf %s 'a\\nipcshd: 127.0.0.1:2: FORGED\\x1b]0;title\\x07': exit 0" E.log
	grep -qF 'no-such\nipcshd: 127.0.0.1:1: FORGED\x1b[31m\xe2\x80\xae: command not found' E.log
}

@test "the client shows no C1 or bidi control, nor ESC, from a daemon's ERROR text" {
	# A hostile server behind a stand-in ssh: clear handshake, then ERROR.
	cat >evil-server <<-'EOF2'
		#!/bin/bash
		head -c 12 >/dev/null # the client hello
		printf '\0\0\0\10IPSH\1\1\2S'
		t=$'A\e[31m\x9b2J\xc2\x9b2J\xe2\x80\xaeRLO\xe2\x81\xa6LRI\xe2\x80\x8fRLM\xd8\x9c caf\xc3\xa9 \xff\xc0\xaf Z'
		n=$(($(printf '%s' "$t" | LC_ALL=C wc -c) + 3))
		printf "\\0\\0\\0\\$(printf %o "$n")\\10\\0\\7%s" "$t"
		cat >/dev/null
	EOF2
	chmod +x evil-server
	IPCSH_SSH=$PWD/evil-server run --separate-stderr "$RCLIENT" ssh:x true
	[ "$status" -eq 7 ]
	printf '%s' "$stderr" | od -c | head -20
	[[ $stderr == *"A?[31m?2J?2J?RLO?LRI?RLM? café ??? Z"* ]]
}

@test "2 M one-byte frames to a stopped command: the session stays under 8 MB" {
	remote_start E
	run "$IPCSH_BUILD/tests/helpers/daemon_flood" frames -p "$E_PORT" -k "$REMOTE_KEY"
	assert_success
	local pid before peak granted
	read -r _ pid _ before _ peak _ granted <<<"$output"
	echo "session $pid: $before kB before, $peak kB at its peak"
	[ "$granted" -eq 2097152 ] # every byte reached the command
	# A queue chunk per frame grew the session by 50 MB here.
	[ $((peak - before)) -lt 6144 ]
	# Under a sanitizer the process is bigger from the start.
	[ -n "${SANITIZE:-}" ] || [ "$peak" -lt 8192 ]
}

# flood_start NAME MODE ARGS...: run daemon_flood in the background, its
# stdin on a FIFO held open by fd $FLOOD_FD_NAME (flood_stop NAME closes it,
# which ends the flood), its output in NAME.out; waits for its first line.
flood_start() {
	local name=$1 fd
	shift
	mkfifo "$name.ctl"
	(
		# Not the other floods' FIFOs: each must end when its own closes.
		for v in "${!FLOOD_FD_@}"; do
			fd=${!v}
			exec {fd}>&-
		done
		exec "$IPCSH_BUILD/tests/helpers/daemon_flood" "$@" <"$name.ctl" >"$name.out" 2>&1
	) &
	echo $! >"$name.pid"
	echo $! >>remote.pids
	exec {fd}>"$name.ctl"
	printf -v "FLOOD_FD_$name" %s "$fd"
	remote_wait_file "$name.out" '^[a-z]'
}

flood_stop() {
	local v="FLOOD_FD_$1" fd
	fd=${!v}
	exec {fd}>&-
	remote_wait_status "$(cat "$1.pid")"
}

@test "an honest client is served while 200 idle connections are held" {
	remote_start E --handshake-timeout 2
	local h=127.0.0.1:$E_PORT i
	flood_start idle idle -p "$E_PORT" -n 200
	grep -qx 'holding 200' idle.out
	for i in 1 2 3; do
		run "$RCLIENT" "$h" echo "honest $i"
		assert_output "honest $i"
	done
	# Past the hello deadline the daemon closes idle connections, and the
	# attacker opens new ones: honest clients are still served.
	remote_wait_file E.log 'handshake timed out (no client hello)'
	for i in 4 5 6; do
		run "$RCLIENT" "$h" echo "honest $i"
		assert_output "honest $i"
	done
	flood_stop idle
	cat idle.out
	read -r _ opened _ closed < <(tail -1 idle.out)
	[ "$closed" -gt 0 ]
	[ "$opened" -gt 200 ]
	# No session process was forked for an idle connection.
	[ "$(grep -c ': exit 0 ' E.log)" -eq 6 ]
}

@test "handshakes have their own limits: per source, --max-startups, apart from sessions" {
	remote_start E --max-startups 4 --max-startups-per-source 2 --max-sessions 2 \
		--handshake-timeout 60
	local h=127.0.0.1:$E_PORT
	# An authenticated session runs before the flood and is not disturbed.
	mkfifo in
	"$RCLIENT" "$h" sh -c 'echo started; read -r x; echo "got $x"' <in >first.out &
	local first=$!
	exec 8>in
	remote_wait_file first.out started
	# Stalled handshakes (a hello, then nothing): two per address at most...
	flood_start s2 stall -p "$E_PORT" -k "$REMOTE_KEY" -s 127.0.0.2 -n 3
	grep -qx 'stalled 2 refused 1' s2.out
	grep -q 'refused: too many handshakes from this address' E.log
	run "$RCLIENT" "$h" echo honest
	assert_output honest
	# ...and four at once from anywhere: then clients are told to retry.
	flood_start s3 stall -p "$E_PORT" -k "$REMOTE_KEY" -s 127.0.0.3 -n 2
	grep -qx 'stalled 2 refused 0' s3.out
	flood_start s4 stall -p "$E_PORT" -k "$REMOTE_KEY" -s 127.0.0.4 -n 1
	grep -qx 'stalled 0 refused 1' s4.out
	grep -q 'refused: too many handshakes at once' E.log
	run --separate-stderr "$RCLIENT" "$h" echo refused
	[ "$status" -eq 255 ]
	[[ $stderr == *"server busy (too many handshakes at once)"* ]]
	# The authenticated session kept its slot all along.
	echo go >&8
	exec 8>&-
	remote_wait_status "$first"
	[ "$REMOTE_STATUS" -eq 0 ]
	grep -qx 'got go' first.out
	# Stalled handshakes that end give their slots back.
	flood_stop s3
	local i
	for ((i = 0; i < 50; i++)); do
		run "$RCLIENT" "$h" echo served-again
		[ "$output" != served-again ] || break
		sleep 0.1
	done
	assert_output served-again
	flood_stop s2
	flood_stop s4
}
