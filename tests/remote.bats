#!/usr/bin/env bats
# Remote stages (SPEC §9, docs/PROTOCOL.md): a real ipcshd on 127.0.0.1
# (port 0), driven through ipcsh's `@127.0.0.1:PORT cmd` stages and through
# tests/helpers/remote_client (remote_stage_run() alone). Every daemon
# started here is stopped in teardown.

load common
load helpers/remote_lib

setup_file() {
	export REMOTE_DIR=$BATS_FILE_TMPDIR
	remote_keys "$REMOTE_DIR"
	head -c $((32 << 20)) /dev/urandom >"$REMOTE_DIR/in.32M"
	remote_start D --accept-env FOO
	export D_PORT D_PID
	export H=127.0.0.1:$D_PORT
}

teardown_file() {
	remote_stop_all "$BATS_FILE_TMPDIR"
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	unset REMOTE_DIR
}

teardown() {
	remote_stop_all "$BATS_TEST_TMPDIR"
}

@test "a key file readable by others is refused by the client and the daemon" {
	cp "$IPCSH_KEY" k
	chmod 644 k
	run --separate-stderr "$RCLIENT" -k k "$H" true
	[ "$status" -eq 255 ]
	[[ $stderr == *"@$H:"*"chmod 600"* ]]
	cp "$REMOTE_HOSTKEY" hk
	chmod 640 hk
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --host-key hk --allow-root
	[ "$status" -eq 1 ]
	[[ $stderr == *"accessible by group or others"* ]]
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --allow-root
	[ "$status" -eq 1 ]
	[[ $stderr == *"no host key: use --host-key FILE (make one with --genkey-host FILE)"* ]]
}

@test "client helper: stdin, stdout, stderr and exit status" {
	run --separate-stderr "$RCLIENT" "$H" sh -c 'tr a-z A-Z; echo oops >&2; exit 3' <<<"hello"
	[ "$status" -eq 3 ]
	[ "$output" = HELLO ]
	[ "$stderr" = oops ]
}

@test "remote stage in the middle of a pipeline" {
	run --separate-stderr "$IPCSH" -c "printf 'b\na\nc\n' | @$H sort | tr a-z A-Z"
	assert_success
	[ "$output" = "$(printf 'A\nB\nC')" ]
}

@test "32 MiB byte-exact through a remote cat, shm and mq edges around it" {
	run "$IPCSH" -c "cat '$BATS_FILE_TMPDIR/in.32M' |[shm] @$H cat |[mq] cat > out"
	assert_success
	cmp out "$BATS_FILE_TMPDIR/in.32M"
}

@test "exit status, signal status and stderr come back" {
	run --separate-stderr "$IPCSH" -c "@$H sh -c 'echo to-err >&2; exit 42'"
	[ "$status" -eq 42 ]
	[ "$stderr" = to-err ]
	run "$IPCSH" -c "@$H sh -c 'kill -TERM \$\$'"
	[ "$status" -eq 143 ]
	run "$IPCSH" -c "@$H sh -c 'kill -KILL \$\$'"
	[ "$status" -eq 137 ]
	run -127 --separate-stderr "$IPCSH" -c "@$H no-such-command-xyz"
	[ "$status" -eq 127 ]
	[[ $stderr == *"no-such-command-xyz: command not found"* ]]
}

@test "argv is a vector, assignments pass, LD_* never, home directory" {
	run "$IPCSH" -c "@$H printf '<%s>' 'a b' '\$HOME' '*' ''"
	assert_success
	[ "$output" = "<a b><\$HOME><*><>" ]
	run "$IPCSH" -c "@$H FOO='x y' sh -c 'echo \"\$FOO\"; pwd'"
	assert_success
	home=$(getent passwd "$(id -u)" | cut -d: -f6)
	[ "$output" = "$(printf 'x y\n%s' "$(cd "$home" && pwd -P)")" ]
	run --separate-stderr "$RCLIENT" -e LD_PRELOAD=/x.so "$H" true
	[ "$status" -eq 255 ]
	[[ $stderr == *"LD_PRELOAD"* ]]
	LD_TESTVAR=leak remote_start E
	run "$RCLIENT" 127.0.0.1:"$E_PORT" env
	assert_success
	refute_output --partial LD_TESTVAR
}

@test "a key not in authorized_keys: refused, nothing runs, the daemon keeps serving" {
	"$IPCSH" --keygen -f wrong -C stranger >/dev/null
	local fp
	fp=$("$IPCSH" --keygen -l -f wrong.pub | cut -d' ' -f2)
	run --separate-stderr "$IPCSH" --key wrong -c "@$H touch '$PWD/marker'"
	[ "$status" -eq 255 ]
	[ "$stderr" = "ipcsh: @$H: authentication failed: this server does not admit key $fp" ]
	[ ! -e marker ]
	run "$IPCSH" -c "@$H echo still-serving"
	assert_output still-serving
	grep -q "refused: key $fp is not in $REMOTE_AUTHKEYS" "$BATS_FILE_TMPDIR/D.log"
}

@test "yes into a remote head, and a remote yes into head, end promptly" {
	run "$IPCSH" -c "yes | @$H head -n 2"
	assert_success
	assert_output "$(printf 'y\ny')"
	run "$IPCSH" -c "@$H yes | head -n 1"
	assert_output y
}

# Open a raw connection on fd 5 to port $1 (fd 3 is bats' own).
raw_open() {
	exec 5<>"/dev/tcp/127.0.0.1/$1"
}

# Send printf's output on fd 5. The daemon may hang up at any byte (a reset
# kills a writer by SIGPIPE): that is its right, so only a subshell dies.
raw_send() {
	(printf "$@" >&5) 2>/dev/null || true
}

# Wait until the daemon closes fd 5 (read gets EOF); fail after 10 s.
raw_wait_closed() {
	local i st
	for ((i = 0; i < 100; i++)); do
		st=0
		IFS= read -r -t 0.1 -u 5 _ || st=$?
		# 0: a line (a refusal, say): read on; > 128: timeout; else EOF
		if [ "$st" -ne 0 ] && [ "$st" -le 128 ]; then
			exec 5<&-
			return 0
		fi
	done
	exec 5<&-
	echo "the daemon kept a hostile connection open" >&2
	return 1
}

@test "hostile input does not take the daemon down, and such connections are closed" {
	remote_start E --handshake-timeout 1
	local p=$E_PORT
	raw_open "$p"
	(head -c 4096 /dev/urandom >&5) 2>/dev/null || true # hangs up at any byte
	raw_wait_closed
	raw_open "$p"
	raw_send 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
	raw_wait_closed
	raw_open "$p"
	raw_send '\377\377\377\377AAAAAAAA' # a 4 GiB length prefix
	raw_wait_closed
	raw_open "$p"
	raw_send '\0\0\0\110IPSH\1\1\1C0123456789' # a truncated client hello
	exec 5>&-
	raw_open "$p"
	raw_send '\0\0' # slow loris: a byte now and then, never a whole record
	run "$RCLIENT" "127.0.0.1:$p" echo served-meanwhile
	assert_output served-meanwhile
	raw_send '\0'
	raw_wait_closed # by the 1 s handshake deadline
	kill -0 "$E_PID"
	cat E.log # shown when a check below fails
	run "$RCLIENT" "127.0.0.1:$p" echo still-serving
	assert_output still-serving
	grep -q "refused: bad record length" E.log
	grep -q "handshake timed out" E.log
}

@test "--allow runs only the listed commands, after PATH resolution" {
	remote_start E --allow cat,printf
	local h=127.0.0.1:$E_PORT
	run "$RCLIENT" "$h" printf ok
	assert_output ok
	run "$RCLIENT" "$h" "$(command -v cat)" /dev/null
	assert_success
	run -126 --separate-stderr "$RCLIENT" "$h" sh -c 'touch marker'
	[[ $stderr == *"sh: not allowed on this server"* ]]
	[ ! -e marker ]
	ln -s "$(command -v sh)" cat
	run -126 "$RCLIENT" "$h" "$PWD/cat" -c 'touch marker'
	[ ! -e marker ]
	remote_start F --max-args 3 --max-env 1 --accept-env A,B
	run "$RCLIENT" -e A=1 "127.0.0.1:$F_PORT" printf '%s' x
	assert_output x
	run --separate-stderr "$RCLIENT" "127.0.0.1:$F_PORT" printf '%s' x y
	[ "$status" -eq 1 ]
	[[ $stderr == *"too many arguments or assignments (limits 3 and 1)"* ]]
	run "$RCLIENT" -e A=1 -e B=2 "127.0.0.1:$F_PORT" true
	[ "$status" -eq 1 ]
}

@test "as root, the daemon refuses to start without --user or --allow-root" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	run --separate-stderr "$IPCSHD" --listen 127.0.0.1:0 --host-key "$REMOTE_HOSTKEY"
	[ "$status" -eq 1 ]
	[[ $stderr == *"refusing to run commands as root"* ]]
	# authorized_keys is read as the user that runs the commands.
	local d
	d=$(mktemp -d)
	chmod 755 "$d"
	cp "$REMOTE_AUTHKEYS" "$d/ak"
	remote_start E --user nobody --authorized-keys "$d/ak"
	run "$RCLIENT" "127.0.0.1:$E_PORT" id -un
	rm -r "$d"
	assert_output nobody
}

@test "16 sessions at once; --max-sessions answers BUSY beyond" {
	local i
	for ((i = 0; i < 16; i++)); do
		"$RCLIENT" "$H" sh -c 'sleep 0.3; echo ok' >"out.$i" &
	done
	wait
	[ "$(cat out.* | grep -c '^ok$')" -eq 16 ]
	remote_start E --max-sessions 1
	"$RCLIENT" "127.0.0.1:$E_PORT" sh -c 'echo started; sleep 2' >first &
	local first=$!
	remote_wait_file first started
	run --separate-stderr "$RCLIENT" "127.0.0.1:$E_PORT" echo second
	[ "$status" -eq 255 ]
	[[ $stderr == *"server busy"* ]]
	wait "$first"
	run "$RCLIENT" "127.0.0.1:$E_PORT" echo third
	assert_output third
}

@test "Ctrl-C (SIGINT to the stage) reaches the remote command's trap" {
	"$RCLIENT" "$H" sh -c 'trap "echo got-INT; exit 3" INT; echo ready; while :; do sleep 0.05; done' \
		>out 2>err &
	local c=$!
	remote_wait_file out ready
	kill -INT "$c"
	remote_wait_status "$c"
	[ "$REMOTE_STATUS" -eq 3 ]
	grep -q got-INT out
}

@test "SIGTSTP stops the remote command, then the client; SIGCONT resumes both" {
	"$RCLIENT" "$H" sh -c 'echo $$; exec sleep 30' >out &
	local c=$! rpid
	remote_wait_file out '^[0-9]'
	rpid=$(head -1 out)
	kill -TSTP "$c"
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(awk '{print $3}' "/proc/$rpid/stat")" = T ] &&
			[ "$(awk '{print $3}' "/proc/$c/stat")" = T ] && break
		sleep 0.05
	done
	[ "$(awk '{print $3}' "/proc/$rpid/stat")" = T ]
	[ "$(awk '{print $3}' "/proc/$c/stat")" = T ]
	kill -CONT "$c"
	for ((i = 0; i < 100; i++)); do
		[ "$(awk '{print $3}' "/proc/$rpid/stat")" != T ] && break
		sleep 0.05
	done
	[ "$(awk '{print $3}' "/proc/$rpid/stat")" != T ]
	kill -TERM "$c"
	remote_wait_status "$c"
	[ "$REMOTE_STATUS" -eq 143 ]
}

@test "a lost connection kills the remote command's process group" {
	"$RCLIENT" "$H" sh -c 'sleep 60 & echo $$ $!; wait' >out &
	local c=$!
	remote_wait_file out '^[0-9]'
	read -r rpid child <out
	kill -0 "$rpid"
	kill -KILL "$c"
	remote_wait_gone "$rpid"
	remote_wait_gone "$child"
}

@test "a capture of the loopback traffic never shows the stage's data or argv" {
	command -v tcpdump >/dev/null || skip "no tcpdump"
	tcpdump -i lo -U --immediate-mode -n -w cap.pcap "tcp port $D_PORT" 2>tcpdump.err &
	local t=$!
	remote_wait_file tcpdump.err "listening on"
	run "$IPCSH" -c "echo STDIN_MARKER_q7z | @$H cat"
	assert_output STDIN_MARKER_q7z
	run "$IPCSH" -c "@$H echo ARGV_MARKER_k3x"
	assert_output ARGV_MARKER_k3x
	local i
	for ((i = 0; i < 100; i++)); do # both sessions' packets reached the file
		[ "$(stat -c %s cap.pcap)" -gt 2000 ] && break
		sleep 0.05
	done
	kill -TERM "$t" # a background job of a script ignores SIGINT
	wait "$t" || true
	[ "$(stat -c %s cap.pcap)" -gt 2000 ]
	run grep -c -a -e STDIN_MARKER -e ARGV_MARKER cap.pcap
	assert_output 0
}

# Start an OpenSSH server on 127.0.0.1 with its own host key and an
# authorized key, all in the test's directory; sets IPCSH_SSH.
start_sshd() {
	local d=$BATS_TEST_TMPDIR/ssh
	mkdir -p "$d"
	chmod 700 "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey"
	ssh-keygen -q -t ed25519 -N '' -f "$d/id"
	cp "$d/id.pub" "$d/authorized_keys"
	[ -d /run/sshd ] || mkdir -p /run/sshd # privilege separation directory
	local try port
	for ((try = 0; try < 5; try++)); do
		port=$((20000 + RANDOM % 30000))
		cat >"$d/config" <<-CONF
			ListenAddress 127.0.0.1
			Port $port
			HostKey $d/hostkey
			AuthorizedKeysFile $d/authorized_keys
			PidFile $d/sshd.pid
			PermitRootLogin yes
			PasswordAuthentication no
			KbdInteractiveAuthentication no
			UsePAM no
			StrictModes no
			LogLevel ERROR
		CONF
		/usr/sbin/sshd -D -f "$d/config" -E "$d/sshd.log" &
		SSHD_PID=$!
		echo "$SSHD_PID" >>"$BATS_TEST_TMPDIR/remote.pids"
		local i
		for ((i = 0; i < 100; i++)); do
			if (exec 6<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
				export IPCSH_SSH="ssh -F /dev/null -i $d/id -p $port -o BatchMode=yes \
-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
				return 0
			fi
			kill -0 "$SSHD_PID" 2>/dev/null || break
			sleep 0.05
		done
	done
	cat "$d/sshd.log" >&2
	return 1
}

@test "@ssh: runs the stage through ssh and ipcshd --stdio" {
	[ -x /usr/sbin/sshd ] || skip "no sshd"
	start_sshd
	IPCSH_REMOTE_CMD="$IPCSHD --stdio --accept-env X $(remote_root_flag)"
	export IPCSH_REMOTE_CMD
	local u
	u=$(id -un)
	unset IPCSH_KEY # no key is needed over ssh
	run --separate-stderr "$IPCSH" -c "printf 'b\na\n' | @ssh:$u@127.0.0.1 sort | tr a-z A-Z"
	assert_success
	[ "$output" = "$(printf 'A\nB')" ]
	run "$IPCSH" -c "cat '$BATS_FILE_TMPDIR/in.32M' | @ssh:127.0.0.1 cat > out"
	assert_success
	cmp out "$BATS_FILE_TMPDIR/in.32M"
	run --separate-stderr "$IPCSH" -c "@ssh:127.0.0.1 X=1 sh -c 'echo \$X; echo e >&2; exit 5'"
	[ "$status" -eq 5 ]
	[ "$output" = 1 ]
	[ "$stderr" = e ]
	# Ctrl-C of the job: ssh (same process group) ignores SIGINT, the
	# client forwards it through the protocol to the remote trap.
	setsid env --default-signal=INT "$RCLIENT" ssh:127.0.0.1 \
		sh -c 'trap "echo got-INT; exit 3" INT; echo ready; while :; do sleep 0.05; done' \
		>int.out 2>int.err &
	local c=$!
	remote_wait_file int.out ready
	kill -INT -- "-$c"
	remote_wait_status "$c"
	[ "$REMOTE_STATUS" -eq 3 ]
	grep -q got-INT int.out
	IPCSH_REMOTE_CMD=/nonexistent/ipcshd run --separate-stderr "$IPCSH" -c "@ssh:127.0.0.1 true"
	[ "$status" -eq 255 ]
	[[ $stderr == *"@ssh:127.0.0.1: connection closed during the handshake"* ]]
}

@test "Ctrl-C of an ipcsh job reaches the remote command's trap" {
	# A new process group with SIGINT at default, as a terminal's
	# foreground job: the SIGINT goes to ipcsh and to the stage alike.
	setsid env --default-signal=INT "$IPCSH" -c \
		"@$H sh -c 'trap \"echo got-INT; exit 3\" INT; echo ready; while :; do sleep 0.05; done'" \
		>out 2>&1 &
	local p=$!
	remote_wait_file out ready
	kill -INT -- "-$p"
	remote_wait_file out got-INT
	remote_wait_status "$p"
}

@test "IPv6: [::1]:PORT" {
	if ! { [ -e /proc/net/if_inet6 ] && grep -q '^0*1 ' /proc/net/if_inet6; }; then
		# No IPv6 here (some containers): the address is still parsed
		# and tried, and the failure names it.
		run --separate-stderr "$RCLIENT" '[::1]:1' true
		[ "$status" -eq 255 ]
		[[ $stderr == *"cannot connect to ::1 port 1"* ]]
		return
	fi
	: >v6.log
	# shellcheck disable=SC2046 # no flag or one word
	"$IPCSHD" --listen '[::1]:0' --host-key "$REMOTE_HOSTKEY" --authorized-keys "$REMOTE_AUTHKEYS" \
		$(remote_root_flag) 2>>v6.log &
	echo $! >>remote.pids
	remote_wait_file v6.log 'listening on \[::1\]:'
	local port
	port=$(sed -n 's/^ipcshd: listening on \[::1\]:\([0-9]*\)$/\1/p' v6.log)
	run --separate-stderr "$IPCSH" -c "@[::1]:$port true"
	[ "$status" -eq 255 ]
	[[ $stderr == *"[::1]:$port ipcsh-x25519 "* ]] # the line to add, IPv6 in brackets
	remote_pin "$REMOTE_HOSTKEY" "[::1]:$port"
	run "$IPCSH" -c "echo v6 | @[::1]:$port cat"
	assert_output v6
}

@test "the idle timeout ends a session whose client went silent; one log line per session" {
	remote_start E --idle-timeout 1
	run --separate-stderr "$RCLIENT" "127.0.0.1:$E_PORT" sleep 30
	[ "$status" -eq 255 ]
	[[ $stderr == *"connection lost"* ]]
	grep -q "sleep 30: idle timeout; process group killed" E.log
	run "$RCLIENT" "127.0.0.1:$E_PORT" sh -c 'cat; echo x >&2' <<<"12345"
	assert_success
	grep -Eq "^ipcshd: 127\.0\.0\.1:[0-9]+ \(tester\): sh -c 'cat; echo x >&2': exit 0 \(in 6 B, out 6 B, err 2 B, [0-9.]+ s\)$" E.log
}

@test "flow control: a flood of stdin that is never read, and output on both streams" {
	run "$IPCSH" -c \
		"yes | @$H sh -c 'head -c 8M /dev/zero; head -c 8M /dev/zero >&2; echo done >&2' >out 2>err"
	assert_success
	[ "$(stat -c %s out)" -eq $((8 << 20)) ]
	[ "$(stat -c %s err)" -eq $(((8 << 20) + 5)) ]
	[ "$(tail -c 5 err)" = done ]
	# The command reads all its input before it writes: 32 MiB in, then out.
	run "$IPCSH" -c "cat '$BATS_FILE_TMPDIR/in.32M' | @$H sh -c 'cat > f; cat f; rm f' | cmp - '$BATS_FILE_TMPDIR/in.32M'"
	assert_success
}

@test "key lookup: --key, then IPCSH_KEY, then XDG_CONFIG_HOME/ipcsh/id" {
	mkdir -p cfg/ipcsh
	cp "$IPCSH_KEY" cfg/ipcsh/id
	cp "$XDG_CONFIG_HOME/ipcsh/known_hosts" cfg/ipcsh/
	"$IPCSH" --keygen -f wrong >/dev/null
	run env -u IPCSH_KEY XDG_CONFIG_HOME="$PWD/cfg" "$IPCSH" -c "@$H echo xdg"
	assert_output xdg
	run --separate-stderr env IPCSH_KEY="$PWD/wrong" XDG_CONFIG_HOME="$PWD/cfg" "$IPCSH" -c "@$H echo x"
	[ "$status" -eq 255 ]
	[[ $stderr == *"authentication failed"* ]]
	run env IPCSH_KEY="$PWD/wrong" "$IPCSH" --key "$PWD/cfg/ipcsh/id" -c "@$H echo key-option"
	assert_output key-option
	run --separate-stderr env -u IPCSH_KEY XDG_CONFIG_HOME="$PWD/none" "$IPCSH" -c "@$H echo x"
	[ "$status" -eq 255 ]
	[[ $stderr == *"cannot open $PWD/none/ipcsh/id: No such file or directory (make your key pair with: ipcsh --keygen)"* ]]
}

# Start the man in the middle (tests/helpers/remote_mitm.py) in front of
# the shared daemon; sets M_PORT.
start_mitm() {
	command -v python3 >/dev/null || skip "no python3"
	: >mitm.port # empty before the background job opens it
	python3 "$BATS_TEST_DIRNAME/helpers/remote_mitm.py" "$D_PORT" "$@" >>mitm.port &
	echo $! >>remote.pids
	remote_wait_file mitm.port '^[0-9]'
	M_PORT=$(head -1 mitm.port)
	remote_pin "$REMOTE_HOSTKEY" "127.0.0.1:$M_PORT" # it relays the real daemon's key
}

@test "a tampered or replayed frame after the command started ends the session and kills its group" {
	local mode
	for mode in flip replay drop; do
		start_mitm "$mode" 5 # H1, H3, EXEC, DATA "first", DATA "second"
		{
			echo first
			remote_wait_file out first
			echo second
			sleep 1 # then EOF: after a dropped frame, the next one fails
		} | "$RCLIENT" "127.0.0.1:$M_PORT" sh -c 'echo $$; exec cat' >out 2>err &
		local c=$!
		remote_wait_file out first
		remote_wait_status "$c"
		[ "$REMOTE_STATUS" -eq 255 ]
		grep -q "connection lost" err
		! grep -q second out
		remote_wait_gone "$(head -1 out)"
		rm -f out err
	done
	grep "exec cat" "$BATS_FILE_TMPDIR/D.log" # shown on failure
	[ "$(grep -c "exec cat': frame failed authentication; process group killed" \
		"$BATS_FILE_TMPDIR/D.log")" -eq 3 ]
}

@test "a tampered client hello or finish is refused before anything runs" {
	local k
	for k in 1 2; do
		start_mitm flip "$k"
		run --separate-stderr "$RCLIENT" "127.0.0.1:$M_PORT" touch "$PWD/marker"
		[ "$status" -eq 255 ]
		[ ! -e marker ]
		[[ $stderr != *"unknown host key"* ]]
	done
	start_mitm flip 9 # a record the session never has: the relay alone works
	run "$RCLIENT" "127.0.0.1:$M_PORT" echo untampered-from-record-3
	assert_output untampered-from-record-3
}

# ---- protocol version 2: host keys, ciphers, version 1 peers --------------

@test "-x shows the cipher chosen (AES-256-GCM with hardware AES on both ends, else ChaCha20-Poly1305) and the library; libsodium and OpenSSL interoperate" {
	run --separate-stderr "$IPCSH" -x -c "echo v2 | @$H cat"
	assert_output v2
	local fp
	fp=$("$IPCSH" --keygen -l -f "$REMOTE_HOSTKEY.pub" | cut -d' ' -f2)
	if grep -qw aes /proc/cpuinfo; then
		[[ $stderr == *"+ @$H: AES-256-GCM (Noise_XX_25519_AESGCM_SHA256, OpenSSL), host key $fp"* ]]
	else
		[[ $stderr == *"+ @$H: ChaCha20-Poly1305 (Noise_XX_25519_ChaChaPoly_SHA256, OpenSSL), host key $fp"* ]]
	fi
	# A client that offers only ChaCha20-Poly1305 gets it, and the data is intact.
	IPCSH_CIPHERS=chachapoly run --separate-stderr "$IPCSH" -x -c \
		"cat '$BATS_FILE_TMPDIR/in.32M' | @$H cat | cmp - '$BATS_FILE_TMPDIR/in.32M' && echo same"
	assert_output same
	[[ $stderr == *"+ @$H: ChaCha20-Poly1305 (Noise_XX_25519_ChaChaPoly_SHA256, OpenSSL)"* ]]
	# libsodium's AEADs (IPCSH_AEAD=sodium) speak with the daemon's OpenSSL ones: same bytes.
	for c in aesgcm chachapoly; do
		grep -qw aes /proc/cpuinfo || [ $c = chachapoly ] || continue
		IPCSH_AEAD=sodium IPCSH_CIPHERS=$c run --separate-stderr "$IPCSH" -x -c \
			"cat '$BATS_FILE_TMPDIR/in.32M' | @$H cat | cmp - '$BATS_FILE_TMPDIR/in.32M' && echo same"
		assert_output same
		[[ $stderr == *"_SHA256, libsodium), host key"* ]]
	done
	IPCSH_CIPHERS=rot13 run --separate-stderr "$IPCSH" -c "@$H true"
	[ "$status" -eq 255 ]
	[[ $stderr == *"no cipher in common"* ]]
}

@test "an unknown host is refused with its fingerprint and the line to add; nothing runs" {
	export XDG_CONFIG_HOME=$PWD/fresh
	mkdir -p fresh/ipcsh
	cp "$IPCSH_KEY" fresh/ipcsh/id
	local fp line
	fp=$("$IPCSH" --keygen -l -f "$REMOTE_HOSTKEY.pub" | cut -d' ' -f2)
	line="$H $(cut -d' ' -f1,2 "$REMOTE_HOSTKEY.pub")"
	run --separate-stderr "$IPCSH" -c "echo SECRET | @$H touch '$PWD/marker'"
	[ "$status" -eq 255 ]
	[ ! -e marker ]
	[[ $stderr == *"ipcsh: @$H: unknown host key $fp: not in $PWD/fresh/ipcsh/known_hosts"* ]]
	grep -qxF "$line" <<<"$stderr" # the exact line, alone on its line
	[ ! -e fresh/ipcsh/known_hosts ]
	# Adding that line is all it takes.
	grep -xF "$line" <<<"$stderr" >fresh/ipcsh/known_hosts
	run "$IPCSH" -c "@$H echo pinned-by-hand"
	assert_output pinned-by-hand
}

@test "--accept-new-host pins an unknown host's key, then it is known" {
	export XDG_CONFIG_HOME=$PWD/fresh
	mkdir -p fresh/ipcsh
	cp "$IPCSH_KEY" fresh/ipcsh/id
	run --separate-stderr "$IPCSH" --accept-new-host -c "@$H echo first"
	assert_output first
	[[ $stderr == *"added the host key SHA256:"*" to $PWD/fresh/ipcsh/known_hosts"* ]]
	[ "$(cat fresh/ipcsh/known_hosts)" = "$H $(cut -d' ' -f1,2 "$REMOTE_HOSTKEY.pub")" ]
	run --separate-stderr "$IPCSH" -c "@$H echo second"
	assert_output second
	[ -z "$stderr" ]
	[ "$(wc -l <fresh/ipcsh/known_hosts)" -eq 1 ]
}

@test "a changed host key is refused, loudly, even with --accept-new-host" {
	"$IPCSHD" --genkey-host new.key >/dev/null
	REMOTE_HOSTKEY=$PWD/new.key remote_start E # the daemon's key replaced...
	# ...while known_hosts still pins the old one for its address.
	grep -v "127.0.0.1:$E_PORT " "$XDG_CONFIG_HOME/ipcsh/known_hosts" >kh
	cp kh "$XDG_CONFIG_HOME/ipcsh/known_hosts"
	remote_pin "$REMOTE_HOSTKEY" "127.0.0.1:$E_PORT"
	local n
	n=$(wc -l <"$XDG_CONFIG_HOME/ipcsh/known_hosts")
	run --separate-stderr "$IPCSH" -c "@127.0.0.1:$E_PORT touch '$PWD/marker'"
	[ "$status" -eq 255 ]
	[[ $stderr == *"WARNING: THE HOST KEY HAS CHANGED."*"line $n of $XDG_CONFIG_HOME/ipcsh/known_hosts pins another key"* ]]
	run --separate-stderr "$IPCSH" --accept-new-host -c "@127.0.0.1:$E_PORT touch '$PWD/marker'"
	[ "$status" -eq 255 ]
	[[ $stderr == *"THE HOST KEY HAS CHANGED"* ]]
	[ ! -e marker ]
	[ "$(wc -l <"$XDG_CONFIG_HOME/ipcsh/known_hosts")" -eq "$n" ]
}

@test "a version 1 peer gets a clear protocol version error, both ways" {
	# A version 1 client's hello (72 bytes, versions 1 to 1, PSK mode) to
	# this daemon: a 9-byte refusal VERSION naming version 2.
	raw_open "$D_PORT"
	raw_send '\0\0\0\110IPSH\1\1\1C%064d' 0
	local reply
	reply=$(timeout 5 head -c 13 <&5 | od -An -tx1 | tr -d ' \n')
	exec 5<&-
	[ "$reply" = 00000009495053480202015203 ] # IPSH 2 2, mode 1, R, VERSION
	grep -q "refused: protocol version mismatch: the peer speaks version 1, this ipcsh speaks 2" \
		"$BATS_FILE_TMPDIR/D.log"
	# A version 1 daemon answers this client's hello with its refusal.
	command -v python3 >/dev/null || skip "no python3"
	: >v1.port
	python3 -c '
import socket, struct, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    n = struct.unpack(">I", c.recv(4))[0]; c.recv(n)
    c.sendall(b"\0\0\0\x09IPSH\x01\x01\x01R\x03"); c.close()
' >>v1.port &
	echo $! >>remote.pids
	remote_wait_file v1.port '^[0-9]'
	run --separate-stderr "$IPCSH" -c "@127.0.0.1:$(head -1 v1.port) true"
	[ "$status" -eq 255 ]
	[[ $stderr == *"protocol version mismatch: the server speaks version 1, this ipcsh speaks 2"* ]]
}
