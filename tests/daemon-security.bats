#!/usr/bin/env bats
# ipcshd against the attacks of an independent review (issue 14, SPEC §9,
# man/ipcshd.8 SECURITY): each test runs the attack against a real daemon on
# 127.0.0.1 and checks that it is refused or harmless, and that the honest
# use still works. Every daemon started here is stopped in teardown.

load common
load helpers/remote_lib

setup_file() {
	export REMOTE_DIR=$BATS_FILE_TMPDIR
	remote_keys "$REMOTE_DIR"
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
	script -qec "exec '$IPCSHD' --listen 127.0.0.1:0 --host-key '$REMOTE_HOSTKEY' \
--authorized-keys '$REMOTE_AUTHKEYS' $(remote_root_flag) 2>'$PWD/T.log'" \
		/dev/null </dev/null >/dev/null 2>&1 &
	echo $! >>remote.pids
	remote_wait_file T.log 'listening on'
	local port
	port=$(sed -n 's/^ipcshd: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' T.log)
	remote_pin "$REMOTE_HOSTKEY" "127.0.0.1:$port"
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
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --host-key "$REMOTE_HOSTKEY" \
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
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --host-key "$REMOTE_HOSTKEY" \
		$(remote_root_flag) --allow-exact ' '
	[ "$status" -eq 1 ]
	[[ $stderr == *"--allow-exact: empty command"* ]]
}

@test "key files: a symlink, or a file of another user, is refused" {
	cp "$REMOTE_HOSTKEY" real.key
	ln -s real.key link.key
	# shellcheck disable=SC2046
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --host-key link.key $(remote_root_flag)
	[ "$status" -eq 1 ]
	[[ $stderr == *"cannot open link.key: it is a symbolic link"* ]]
	remote_start E
	cp "$REMOTE_KEY" my.key
	ln -s my.key mylink.key
	run --separate-stderr "$RCLIENT" -k mylink.key "127.0.0.1:$E_PORT" true
	[ "$status" -eq 255 ]
	[[ $stderr == *"it is a symbolic link"* ]]
	run "$RCLIENT" -k my.key "127.0.0.1:$E_PORT" echo honest
	assert_output honest
	# authorized_keys that others may write admits nothing.
	cp "$REMOTE_AUTHKEYS" ak
	chmod 666 ak
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --host-key real.key --authorized-keys ak \
		$(remote_root_flag)
	[ "$status" -eq 1 ]
	[[ $stderr == *"may be written by group or others (mode 666)"* ]]
	[ "$(id -u)" -eq 0 ] || return 0
	# Root reading a key that nobody owns (and so could have written).
	cp "$REMOTE_HOSTKEY" nobody.key
	chown nobody nobody.key
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --host-key nobody.key --user nobody
	[ "$status" -eq 1 ]
	[[ $stderr == *"nobody.key is owned by uid $(id -u nobody), not by uid 0"* ]]
	cp "$REMOTE_KEY" nobody.id
	chown nobody nobody.id
	run --separate-stderr "$RCLIENT" -k nobody.id "127.0.0.1:$E_PORT" true
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
	! grep -q 'FORGED' <(grep -v '^ipcshd: 127\.0\.0\.1:[0-9]* (tester): ' E.log)
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
		printf '\0\0\0\10IPSH\2\2\2S'
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

# ---- authorized_keys: who may connect, and what each key may do ----------

# A second user key in the test directory: $1 (private), $1.pub.
second_key() {
	"$IPCSH" --keygen -f "$1" -C "$1" >/dev/null
}

@test "allow= lets a key run only the listed commands (a quoted list)" {
	second_key bob
	{ cat "$REMOTE_AUTHKEYS"; echo "allow=\"printf,cat\" $(cat bob.pub)"; } >ak
	remote_start E --authorized-keys "$PWD/ak"
	local h=127.0.0.1:$E_PORT
	run "$RCLIENT" -k bob "$h" printf ok
	assert_output ok
	run "$RCLIENT" -k bob "$h" "$(command -v cat)" /dev/null
	assert_success
	run -126 --separate-stderr "$RCLIENT" -k bob "$h" sh -c "touch '$PWD/marker'"
	[[ $stderr == *"sh: not allowed on this server (allow= of this key)"* ]]
	[ ! -e marker ]
	ln -s "$(command -v sh)" cat
	run -126 "$RCLIENT" -k bob "$h" "$PWD/cat" -c "touch '$PWD/marker'"
	[ ! -e marker ]
	# The other key of the file is not restricted by bob's line.
	run "$RCLIENT" "$h" sh -c 'echo unrestricted'
	assert_output unrestricted
}

@test "from= admits a key only from the listed networks" {
	second_key bob
	second_key carol
	{
		echo "from=\"10.0.0.0/8,192.168.1.1\" $(cat bob.pub)"
		echo "from=127.0.0.0/8 $(cat carol.pub)"
	} >ak
	remote_start E --authorized-keys "$PWD/ak"
	run --separate-stderr "$RCLIENT" -k bob "127.0.0.1:$E_PORT" touch "$PWD/marker"
	[ "$status" -eq 255 ]
	[[ $stderr == *"authentication failed: this server does not admit key SHA256:"* ]]
	[ ! -e marker ]
	grep -q "is not admitted from this address (from=)" E.log
	run "$RCLIENT" -k carol "127.0.0.1:$E_PORT" echo from-loopback
	assert_output from-loopback
}

@test "command= forces the command line, whatever the client asks" {
	second_key bob
	echo "command=\"printf <%s> forced 'two words'\" $(cat bob.pub)" >ak
	cat "$REMOTE_AUTHKEYS" >>ak
	remote_start E --authorized-keys "$PWD/ak"
	run "$RCLIENT" -k bob "127.0.0.1:$E_PORT" sh -c "touch '$PWD/marker'"
	assert_success
	[ ! -e marker ]
	[ "$output" = "<forced><'two><words'>" ] || [ "$output" = "<forced><two words>" ]
	echo 'command="env" '"$(cat bob.pub)" >ak2
	remote_start F --authorized-keys "$PWD/ak2"
	run "$RCLIENT" -k bob "127.0.0.1:$F_PORT" ls -l 'a b'
	assert_success
	assert_line "IPCSH_ORIGINAL_COMMAND=ls -l 'a b'"
}

@test "env= names the variables a key may set, in place of --accept-env" {
	second_key bob
	{ cat "$REMOTE_AUTHKEYS"; echo "env=\"FOO,BAR\" $(cat bob.pub)"; } >ak
	remote_start E --authorized-keys "$PWD/ak"
	local h=127.0.0.1:$E_PORT
	run "$RCLIENT" -k bob -e FOO=1 -e BAR=2 "$h" sh -c 'echo "$FOO$BAR"'
	assert_output 12
	run --separate-stderr "$RCLIENT" -k bob -e LANG=C "$h" true
	[ "$status" -eq 1 ]
	[[ $stderr == *"LANG: environment variable not accepted by this server (env= of this key)"* ]]
	# The key without env= has the daemon's list (LANG, LC_*), not bob's.
	run --separate-stderr "$RCLIENT" -e FOO=1 "$h" true
	[ "$status" -eq 1 ]
	[[ $stderr == *"FOO: environment variable not accepted by this server (--accept-env)"* ]]
	run "$RCLIENT" -e LANG=C "$h" sh -c 'echo "$LANG"'
	assert_output C
}

@test "a removed key is refused from the next connection on; the others keep working" {
	second_key bob
	cat "$REMOTE_AUTHKEYS" bob.pub >ak
	remote_start E --authorized-keys "$PWD/ak"
	run "$RCLIENT" -k bob "127.0.0.1:$E_PORT" echo bob-admitted
	assert_output bob-admitted
	grep -v bob ak >ak.new
	mv ak.new ak # as an editor saves: a new file
	run --separate-stderr "$RCLIENT" -k bob "127.0.0.1:$E_PORT" touch "$PWD/marker"
	[ "$status" -eq 255 ]
	[[ $stderr == *"authentication failed"* ]]
	[ ! -e marker ]
	run "$RCLIENT" "127.0.0.1:$E_PORT" echo others-still-work
	assert_output others-still-work
}

@test "a malformed authorized_keys line is named by file and line; the rest is loaded" {
	second_key bob
	{
		echo "# comment"
		echo "allow=\"cat $(cat bob.pub)" # an unterminated quote
		echo "bogus=1 $(cat bob.pub)"
		cat "$REMOTE_AUTHKEYS"
	} >ak
	remote_start E --authorized-keys "$PWD/ak"
	grep -q "ak:2: " E.log
	grep -q "ak:3: unknown option 'bogus'" E.log
	run "$RCLIENT" "127.0.0.1:$E_PORT" echo line-4-loaded
	assert_output line-4-loaded
	run --separate-stderr "$RCLIENT" -k bob "127.0.0.1:$E_PORT" true
	[ "$status" -eq 255 ]
}

@test "a fake daemon holding every client-side secret but not the host key is refused" {
	# Everything a client has: its key pair, known_hosts, the authorized_keys.
	# The impostor makes its own host key: the pinned one is not in its hands.
	"$IPCSHD" --genkey-host impostor.key >/dev/null
	REMOTE_HOSTKEY=$PWD/impostor.key remote_start F
	# The client believes it talks to the real daemon at this address.
	grep -v "127.0.0.1:$F_PORT " "$XDG_CONFIG_HOME/ipcsh/known_hosts" >kh
	cp kh "$XDG_CONFIG_HOME/ipcsh/known_hosts"
	remote_pin "$REMOTE_HOSTKEY" "127.0.0.1:$F_PORT"
	local fp
	fp=$("$IPCSH" --keygen -l -f impostor.key.pub | cut -d' ' -f2)
	for accept in "" --accept-new-host; do
		run --separate-stderr "$IPCSH" $accept -c "echo SECRET | @127.0.0.1:$F_PORT touch '$PWD/marker'"
		[ "$status" -eq 255 ]
		[[ $stderr == *"WARNING: THE HOST KEY HAS CHANGED. The host now presents $fp"* ]]
		[ ! -e marker ]
	done
	# It never even saw the client's key: no session got past the handshake.
	! grep -q "touch" F.log
	grep -q "closed during the handshake, after our host key" F.log
}
