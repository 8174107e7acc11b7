#!/usr/bin/env bats
# libipcsh end to end: a program linked with it (tests/helpers/ringpeer)
# gets the ring of a |[shm] edge handed over, per side, at run time, and
# the relay of that side goes away; anywhere else (bash, a pipe edge, a
# relayed side) it reads and writes its fds. Byte streams are checked at
# the consumer; EOF, EPIPE and a producer's death mid-stream as a pipe
# (or, for the death, an error) gives them.

load common

setup() {
	RP=$IPCSH_BUILD/tests/helpers/ringpeer
	cd "$BATS_TEST_TMPDIR" || return 1
	export RINGPEER_NOTE=$BATS_TEST_TMPDIR/note
	IPC_BEFORE=$(ipc_snapshot)
}

teardown() {
	local s
	for s in ${SESSIONS:-}; do
		kill -9 -- -"$s" 2>/dev/null || true
	done
}

# The sorted notes: which side used the ring, which its fd.
notes() {
	sort "$RINGPEER_NOTE" | tr '\n' ' '
}

# Children of ipcsh $1 (stages and relays), counted.
children() {
	pgrep -P "$1" | wc -l
}

wait_for() {
	local i
	for i in $(seq 200); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# Both stages wrote their note.
started() {
	[ -s "$RINGPEER_NOTE" ] && [ "$(wc -l <"$RINGPEER_NOTE")" -eq 2 ]
}

children_are() {
	[ "$(children "$1")" -eq "$2" ]
}

@test "the ring of a pipeline of built-ins is kept for the next one: one memfd however many run, new each time" {
	# Kept only when no program could hold it (no hand-over listener) and
	# the pipeline has ended; taken back empty, with no EOF and no reader
	# gone, whatever the last pipeline left in it (shm.c's spare).
	run timeout 20 "$IPCSH" -c 'echo a |[shm] read v; ls -l /proc/$$/fd | grep -c "memfd:ipcsh-ring"
		i=0; while [ $i -lt 20 ]; do echo $i |[shm] read v; i=$((i+1)); done; ls -l /proc/$$/fd | grep -c "memfd:ipcsh-ring"
		printf "a\nb\n" |[shm] read v; echo fresh |[shm] cat
		x=$(yes | head -c 2000000); echo "$x" |[shm] read v; echo fresh2 |[shm] cat
		echo "$x" |[shm] read v; printf "%s\n" one two |[shm] { read a; read b; echo $a$b; }
		seq 100000 |[shm] { sleep 0.3; wc -l; } & echo mine |[shm] cat; wait'
	assert_success
	assert_output "1
1
fresh
fresh2
onetwo
mine
100000"
}

@test "two ring-aware stages share the ring: every byte, in order, then EOF" {
	run "$IPCSH" -c "$RP prod 200000000 |[shm] $RP cons"
	assert_success
	assert_output "200000000 ok"
	[ "$(notes)" = "cons ring prod ring " ] || fail "$(notes)"
	no_ipc_left
}

@test "records of every size, a small ring, both sides direct" {
	for rec in 1 64 4095 4096 4097 65536; do
		: >"$RINGPEER_NOTE"
		run "$IPCSH" -c "$RP prod 3000001 $rec |[shm:size=4096] $RP cons $rec"
		assert_success
		assert_output "3000001 ok"
	done
	[ "$(notes)" = "cons ring prod ring " ] || fail "$(notes)"
}

@test "one ring-aware side: the other keeps its relay and its pipe" {
	run "$IPCSH" -c "$RP prod 10000000 |[shm] cat | $RP cons"
	assert_success
	assert_output "10000000 ok"
	[ "$(notes)" = "cons fd prod ring " ] || fail "$(notes)"
	: >"$RINGPEER_NOTE"
	run "$IPCSH" -c "$RP prod 10000000 | cat |[shm] $RP cons"
	assert_success
	assert_output "10000000 ok"
	[ "$(notes)" = "cons ring prod fd " ] || fail "$(notes)"
}

@test "the same binary works under bash and on a pipe edge, through its fds" {
	run bash -c "$RP prod 5000000 | $RP cons"
	assert_success
	assert_output "5000000 ok"
	[ "$(notes)" = "cons fd prod fd " ] || fail "$(notes)"
	: >"$RINGPEER_NOTE"
	for t in pipe sock fifo mq; do
		run "$IPCSH" -c "$RP prod 5000000 |[$t] $RP cons"
		assert_success
		assert_output "5000000 ok"
	done
	[ "$(notes)" = "$(printf 'cons fd %.0s' 1 2 3 4)$(printf 'prod fd %.0s' 1 2 3 4)" ] || fail "$(notes)"
	: >"$RINGPEER_NOTE"
	run bash -c "$RP prod 1000 >out; $RP cons <out"
	assert_output "1000 ok"
	[ "$(notes)" = "cons fd prod fd " ] || fail "$(notes)"
}

@test "relays are elided exactly on the ring-aware sides (the job's processes)" {
	touch never
	for c in "prod ring:cons ring:2" "prod ring:cons fd:3" "prod fd:cons ring:3" "prod fd:cons fd:4"; do
		: >"$RINGPEER_NOTE"
		rm -f go
		IFS=: read -r p q want <<<"$c"
		pe=; ce=
		[ "${p#* }" = fd ] && pe="RINGPEER_FD=1 "
		[ "${q#* }" = fd ] && ce="RINGPEER_FD=1 "
		RINGPEER_HOLD=$BATS_TEST_TMPDIR/go setsid "$IPCSH" -c \
			"${pe}$RP prod 3000000 |[shm] ${ce}$RP cons >/dev/null" &
		pid=$!
		SESSIONS="$SESSIONS $pid"
		wait_for started || fail "$c: stages did not start"
		wait_for children_are "$pid" "$want" || fail "$c: $(children "$pid") processes, want $want"
		sleep 0.3 # a relay that wrongly stayed would still be there
		children_are "$pid" "$want" || fail "$c: $(children "$pid") processes later, want $want"
		touch go
		wait "$pid" || fail "$c: status $?"
	done
}

@test "late hand-over: bytes already in a pipe come first" {
	# The producer writes 3 MB to fd 1 before it asks for the ring.
	run env RINGPEER_PRE=3000000 "$IPCSH" -c "$RP prod 20000000 |[shm] $RP cons"
	assert_success
	assert_output "20000000 ok"
	# The consumer asks late, after relay_out filled its pipe.
	: >"$RINGPEER_NOTE"
	run "$IPCSH" -c "$RP prod 20000000 |[shm] RINGPEER_DELAY_MS=300 $RP cons"
	assert_success
	assert_output "20000000 ok"
	[ "$(notes)" = "cons ring prod ring " ] || fail "$(notes)"
}

@test "EPIPE: a ring-aware producer is stopped when the consumer leaves, as by a pipe" {
	# SIGPIPE default: killed by it (status 141, like yes | head).
	run timeout 20 "$IPCSH" -o pipefail -c "$RP prod-forever |[shm] $RP cons-head 100000"
	assert_failure 141
	assert_output "100000 ok"
	run timeout 20 "$IPCSH" -o pipefail -c "$RP prod-forever |[shm] head -c 100000 | wc -c"
	assert_failure 141
	assert_output "100000"
	# SIGPIPE ignored: the call fails with EPIPE.
	run --separate-stderr timeout 20 "$IPCSH" -c "trap '' PIPE; $RP prod-forever |[shm] $RP cons-head 1000"
	assert_success
	[ "$stderr" = EPIPE ] || fail "stderr: $stderr"
}

@test "a ring-aware consumer that dies stops the producer; one that dies first gets EIO" {
	run --separate-stderr timeout 20 "$IPCSH" -c "trap '' PIPE; $RP prod-forever |[shm] $RP cons-die 100000"
	assert_failure 137
	[ "$stderr" = EPIPE ] || fail "stderr: $stderr"
	# The producer commits 100000 bytes and is SIGKILLed: the consumer
	# reads them all, then EIO, not EOF.
	run env RINGPEER_WAIT_CONS=1 timeout 20 "$IPCSH" -c "$RP prod-die 100000 |[shm] $RP cons"
	assert_failure 1
	assert_output "100000 EIO"
	run --separate-stderr timeout 20 "$IPCSH" -c "$RP prod-die 100000 |[shm] wc -c"
	assert_failure 1
	assert_output "100000"
	[[ $stderr == *"edge 1->2 (shm): the producer died mid-stream"* ]] || fail "stderr: $stderr"
	no_ipc_left
}

@test "kill -9 of ipcsh with direct rings leaves nothing, and the stages finish" {
	touch go
	setsid "$IPCSH" -c "$RP prod 300000000 |[shm] $RP cons >out" &
	pid=$!
	SESSIONS=$pid
	wait_for started
	# The hand-over names of this pipeline: its stage pipes' (other
	# tests may run shm pipelines meanwhile, with names of their own).
	local names= p f
	for p in $(pgrep -s "$pid" -f "$RP (prod|cons)"); do
		for f in 0 1; do
			names+=" $(stat -L -c 'ipcsh-ring/%D/%i' "/proc/$p/fd/$f" 2>/dev/null | awk -F/ '{ printf "%s/%s/%x", $1, $2, $3 }')"
		done
	done
	kill -9 "$pid"
	wait_for sh -c "! pgrep -s $pid >/dev/null" || fail "processes left in session $pid"
	[ "$(cat out)" = "300000000 ok" ] || fail "out: $(cat out)"
	no_ipc_left
	for f in $names; do
		! grep -q "@$f\$" /proc/net/unix || fail "a hand-over name is left: $f"
	done
}

@test "make install: the library, header, pkg-config file and man page; the man page's example builds and runs" {
	local d=$BATS_TEST_TMPDIR/dest p=$BATS_TEST_TMPDIR/dest/opt/x
	run make -s -C "$IPCSH_SRC" BUILD="$IPCSH_BUILD" install DESTDIR="$d" PREFIX=/opt/x
	assert_success
	for f in lib/libipcsh.so.1 lib/libipcsh.so lib/libipcsh.a include/ipcsh/ring.h \
		lib/pkgconfig/ipcsh.pc share/man/man3/ipcsh_ring.3 share/doc/ipcsh/examples/ring-producer.c; do
		[ -e "$p/$f" ] || fail "not installed: $f"
	done
	mandoc -Tlint -Wwarning "$p/share/man/man3/ipcsh_ring.3"
	# The EXAMPLES section's two programs, as a reader would copy them.
	awk '/^\.Bd -literal/{on=1; next} /^\.Ed/{on=0} on' "$p/share/man/man3/ipcsh_ring.3" |
		sed 's/\\e/\\/g' >ex.c
	sed -n '1,/^\/\* consumer.c/p' ex.c | sed '$d' >producer.c
	sed -n '/^\/\* consumer.c/,$p' ex.c >consumer.c
	export PKG_CONFIG_PATH=$p/lib/pkgconfig
	flags=$(pkg-config --define-variable=prefix="$p" --cflags --libs ipcsh)
	# shellcheck disable=SC2086
	cc -std=c99 -Wall -Werror -o producer producer.c $flags
	# shellcheck disable=SC2086
	cc -std=c99 -Wall -Werror -o consumer consumer.c $(pkg-config --define-variable=prefix="$p" --cflags ipcsh) \
		"$p/lib/libipcsh.a"
	run env LD_LIBRARY_PATH="$p/lib" "$p/bin/ipcsh" -c './producer |[shm] ./consumer'
	assert_success
	assert_output "64000000 bytes"
	run env LD_LIBRARY_PATH="$p/lib" bash -c './producer | ./consumer'
	assert_output "64000000 bytes"
	run make -s -C "$IPCSH_SRC" BUILD="$IPCSH_BUILD" uninstall DESTDIR="$d" PREFIX=/opt/x
	assert_success
	run find "$d" ! -type d
	assert_output ""
}

@test "python binding: memoryviews over the ring, fds elsewhere, BrokenPipeError" {
	run env IPCSH="$IPCSH" IPCSH_LIBRARY="$IPCSH_BUILD/libipcsh.so.1" \
		python3 "$IPCSH_SRC/bindings/python/test_ipcsh_ring.py"
	[ "$status" -eq 0 ] || fail "$output"
	[[ $output == *"Ran 6 tests"* ]] || fail "$output"
}

@test "|[shm:spin]: a program handed the ring starts in the spinning mode, and streams all the same" {
	run "$IPCSH" -c "$RP prod 20000000 64 |[shm:spin,size=64K] $RP cons 64"
	assert_success
	assert_output "20000000 ok"
	[ "$(notes)" = "cons ring spin prod ring spin " ] || fail "$(notes)"
	: >"$RINGPEER_NOTE"
	# More than the relay's pipe holds, so the consumer cannot ask too late.
	run "$IPCSH" -c "$RP prod 5000000 |[shm] $RP cons"
	[ "$(notes)" = "cons ring prod ring " ] || fail "$(notes)"
}

@test "a producer whose stderr shares the edge (2>&1) keeps the pipe, so its messages stay in order" {
	run "$IPCSH" -c "$RP prod 3000000 2>&1 |[shm] $RP cons"
	assert_success
	assert_output "3000000 ok"
	[ "$(notes)" = "cons ring prod fd " ] || fail "$(notes)"
}

@test "a producer that corrupts the ring header: EPROTO for a ring-aware consumer, an error naming the edge from a relay" {
	run --separate-stderr env RINGPEER_WAIT_CONS=1 timeout 20 "$IPCSH" -c "$RP prod-corrupt 1000 |[shm] $RP cons"
	assert_failure 1
	[[ $output == *" EPROTO" ]] || fail "output: $output"
	run --separate-stderr timeout 20 "$IPCSH" -c "$RP prod-corrupt 1000 |[shm] wc -c"
	assert_failure 1
	[[ $stderr == *"edge 1->2 (shm): the producer corrupted the ring"* ]] || fail "stderr: $stderr"
}

@test "a relay in a thread of its stage reports as a relay process does: on the pipeline's stderr, with the script's line" {
	# The consumer runs ipcsh code, so its relay is a thread (outthread.c);
	# the stage's own 2>/dev/null does not hide the edge's error.
	local c
	for c in '{ cat >/dev/null; } 2>/dev/null' 'while read -r l; do :; done 2>/dev/null' \
		'{ exec 2>/dev/null; cat >/dev/null; }' 'cat >/dev/null 2>/dev/null'; do
		printf 'true\n%s prod-corrupt 1000 |[shm] %s\necho "st=$?"\n' "$RP" "$c" >s.sh
		run --separate-stderr timeout 20 "$IPCSH" s.sh
		assert_output 'st=1'
		[ "$stderr" = "ipcsh: s.sh: line 2: edge 1->2 (shm): the producer corrupted the ring (a head out of bounds)" ] ||
			fail "$c: $stderr"
	done
}

@test "--stats: the consumer's side keeps its relay, so every byte is counted; the producer still takes the ring" {
	run --separate-stderr "$IPCSH" --stats -c "$RP prod 5000000 |[shm] $RP cons"
	assert_success
	assert_output "5000000 ok"
	[ "$(notes)" = "cons fd prod ring " ] || fail "$(notes)"
	[[ $stderr == *"edge 1->2 shm size=1M: 5000000 bytes"* ]] || fail "$stderr"
}
