#!/usr/bin/env bats
# Transports end to end through the ipcsh binary: byte-exact delivery,
# EOF and early exit, --stats, -x, fds of stages, what each edge really is,
# and that no FIFO, queue or shared-memory object outlives ipcsh, even at
# the fault points and under kill -9.

load common

# The table every case below runs over: each transport once (and the
# message framings), so a new transport joins every case by being listed.
T_ALL="pipe fifo sock mq mq:lines shm msg msg:lines sysvshm mmap dgram dgram:lines seqpacket seqpacket:lines tcp"
# Transports whose edges have a relay on each side.
T_RELAYED="mq shm msg sysvshm mmap dgram seqpacket"

setup_file() {
	if [ ! -d /dev/mqueue ] || ! mountpoint -q /dev/mqueue; then
		mkdir -p /dev/mqueue 2>/dev/null
		mount -t mqueue none /dev/mqueue 2>/dev/null || true
	fi
	local d=$BATS_FILE_TMPDIR
	for n in 0 1 4095 4096 4097 8191 8192 8193 1048575 1048576 1048577; do
		head -c "$n" /dev/urandom >"$d/in.$n"
	done
	head -c $((64 << 20)) /dev/urandom >"$d/in.64M"
}

setup() {
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	cd "$BATS_TEST_TMPDIR" || return 1
	SNAP_BEFORE=$(snapshot)
}

# Everything ipcsh could leave behind: queues, shm objects, temp entries.
snapshot() {
	{ ipc_snapshot; ls -1A "$TMPDIR"; } | sort
}

# Poll until the snapshot is back to what it was (the guardian works
# asynchronously after ipcsh dies); fail with a diff otherwise.
assert_nothing_left() {
	local i now
	for i in $(seq 100); do
		now=$(snapshot)
		[ "$now" = "$SNAP_BEFORE" ] && return 0
		sleep 0.1
	done
	diff <(echo "$SNAP_BEFORE") <(echo "$now")
	return 1
}

# Children of $1 that are ipcsh itself (relays are forks of ipcsh).
relay_pids() {
	local exe c
	exe=$(readlink -f "$IPCSH")
	for c in $(pgrep -P "$1"); do
		[ "$(readlink -f /proc/"$c"/exe 2>/dev/null)" = "$exe" ] && echo "$c"
	done
}

# Does process $1 map an anonymous shared region of exactly $2 bytes?
maps_shared() {
	local range perms off dev rest
	while read -r range perms off dev rest; do
		[ "${perms:3:1}" = s ] && [ "$dev" = 00:01 ] &&
			[ $((0x${range#*-} - 0x${range%-*})) -eq "$2" ] && return 0
	done <"/proc/$1/maps"
	return 1
}

# Is the number of relays of ipcsh $1 equal to $2?
relays_are() {
	[ "$(relay_pids "$1" | wc -l)" -eq "$2" ]
}

gone() {
	! kill -0 "$1" 2>/dev/null
}

# Background ipcsh runs go in their own session; teardown kills what is left
# so a failing test cannot leave a stream running.
teardown() {
	local s
	for s in ${SESSIONS:-}; do
		kill -9 -- -"$s" 2>/dev/null || true
	done
}

# Wait until `$@` succeeds (at most 10 s).
wait_for() {
	local i
	for i in $(seq 200); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

@test "every transport delivers boundary sizes byte-exact" {
	for t in $T_ALL shm:size=4096 'mq:msgsize=4096,maxmsg=4' 'mq:lines,msgsize=4095' sysvshm:size=4096 \
		mmap:size=4096 'msg:msgsize=4095,maxbytes=8190' dgram:msgsize=4096 'seqpacket:lines,msgsize=4095' \
		tcp:buf=4096,nodelay; do
		for n in 0 1 4095 4096 4097 8191 8192 8193 1048575 1048576 1048577; do
			run timeout 60 "$IPCSH" -c "cat $BATS_FILE_TMPDIR/in.$n |[$t] cat > out"
			assert_success
			cmp "$BATS_FILE_TMPDIR/in.$n" out || fail "$t: $n bytes differ"
		done
	done
	assert_nothing_left
}

@test "64 MiB through every transport, checksums match" {
	want=$(md5sum <"$BATS_FILE_TMPDIR/in.64M")
	for t in $T_ALL; do
		run timeout 120 "$IPCSH" -c "cat $BATS_FILE_TMPDIR/in.64M |[$t] md5sum"
		assert_success
		assert_output "$want"
	done
	assert_nothing_left
}

@test "every transport in one pipeline" {
	want=$(seq 300000 | md5sum)
	run timeout 60 "$IPCSH" -c 'seq 300000 |[pipe] cat |[fifo] cat |[sock] cat |[mq] cat |[shm] cat |[mq:lines] cat |[msg] cat |[sysvshm] cat |[mmap] cat |[dgram:lines] cat |[seqpacket] cat |[tcp] md5sum'
	assert_success
	assert_output "$want"
	assert_nothing_left
}

@test "a slow consumer loses nothing" {
	want=$(seq 200000 | md5sum)
	for t in $T_ALL shm:size=4K sysvshm:size=4K mmap:size=4K; do
		run timeout 60 "$IPCSH" -c "seq 200000 |[$t] sh -c 'sleep 0.3; exec md5sum'"
		assert_success
		assert_output "$want"
	done
}

@test "an empty stream is just EOF" {
	for t in $T_ALL; do
		run timeout 20 "$IPCSH" -c "true |[$t] wc -c"
		assert_success
		assert_output 0
	done
}

@test "yes |[T] head -1 ends for every transport" {
	for t in $T_ALL shm:size=4K fifo:size=4K sock:buf=4K sysvshm:size=4K mmap:size=4K tcp:buf=4K; do
		run --separate-stderr timeout 20 "$IPCSH" -c "yes |[$t] head -1"
		assert_success
		assert_output y
	done
	assert_nothing_left
}

@test "yes |[T] head -1 under -o pipefail: the producer was stopped by SIGPIPE" {
	for t in $T_ALL sock:buf=4K tcp:buf=4K; do
		run --separate-stderr timeout 20 "$IPCSH" -o pipefail -c "yes |[$t] head -1"
		assert_failure 141
		assert_output y
		[ -z "$stderr" ] || fail "$t: $stderr"
	done
}

@test "--stats keeps the early-exit rule: yes |[T] head -1 ends, the producer gets SIGPIPE" {
	# With --stats a counting relay joins pipe, fifo and sock edges; it must
	# pass the consumer's exit on to the producer as the edge would.
	for t in $T_ALL sock:buf=4K; do
		run --separate-stderr timeout 20 "$IPCSH" --stats -o pipefail -c "yes |[$t] head -1"
		assert_failure 141
		assert_output y
		[[ $stderr == *"edge 1->2 ${t%%:*}"*" bytes"* ]] || fail "$t: $stderr"
		[[ $stderr != *"cannot"* ]] || fail "$t: $stderr"
	done
	assert_nothing_left
}

@test "--stats on a sock edge: the consumer still reads a socket, every byte counted" {
	run --separate-stderr timeout 20 "$IPCSH" --stats -c 'echo x |[sock] sh -c "test -S /dev/stdin && echo socket"'
	assert_output socket
	# Small writes, coalesced by the counting relay, arrive exactly.
	run --separate-stderr timeout 60 "$IPCSH" --stats -c \
		'dd if=/dev/zero bs=4k count=2049 status=none |[sock] cksum'
	assert_output "$(dd if=/dev/zero bs=4k count=2049 status=none | cksum)"
	[[ $stderr == *" 8392704 bytes"* ]] || fail "$stderr"
}

@test "unknown transport or bad option: syntax error, nothing runs" {
	for e in 'bogus' 'shm:bogus=1' 'mq:msgsize=x' 'mq:lines=1' 'sock:buf=0' 'msg:maxmsg=3' \
		'msg:maxbytes=0' 'tcp:nodelay=1' 'tcp:lines' 'dgram:path=x' 'sysvshm:path=x' 'mmap:path=' \
		'seqpacket:msgsize=1Q'; do
		run --separate-stderr "$IPCSH" -c "touch ran |[$e] cat"
		assert_failure 2
		[[ $stderr == *"syntax error"* ]] || fail "$e: $stderr"
		[ ! -e ran ]
	done
}

@test "impossible mq limits: a clear error before anything starts" {
	run --separate-stderr "$IPCSH" -c 'touch ran |[mq:msgsize=64M] cat'
	assert_failure 1
	[[ $stderr == *"edge 1->2 (mq)"*msgsize_max* ]] || fail "$stderr"
	[[ $stderr == *"another transport"* ]]
	[ ! -e ran ]
	run --separate-stderr "$IPCSH" -c 'echo a | cat |[mq:maxmsg=1000000] cat'
	assert_failure 1
	[[ $stderr == *"edge 2->3 (mq)"*msg_max* ]] || fail "$stderr"
	run --separate-stderr bash -c 'ulimit -q 1000; "$IPCSH" -c "echo a |[mq] cat"'
	assert_failure 1
	[[ $stderr == *RLIMIT_MSGQUEUE* ]] || fail "$stderr"
	assert_nothing_left
}

@test "mq: a script goes on after a failed edge unless -e" {
	run --separate-stderr "$IPCSH" -c 'echo a |[mq:msgsize=64M] cat; echo next'
	assert_output next
	run --separate-stderr "$IPCSH" -e -c 'echo a |[mq:msgsize=64M] cat; echo next'
	assert_failure 1
	assert_output ''
}

@test "fifo:path= is there while the pipeline runs and other programs can write into it" {
	p=$BATS_TEST_TMPDIR/named
	run timeout 20 "$IPCSH" -c "sh -c 'test -p $p && echo other > $p; echo self' |[fifo:path=$p] sort"
	assert_success
	assert_output $'other\nself'
	wait_for test ! -e "$p" || fail "$p still there"
	# A relative path= is removed from where it was made, even after cd.
	run timeout 20 "$IPCSH" -c 'sh -c "sleep 0.3; echo x" |[fifo:path=rel] cat & cd /; wait; test -e rel || echo ok'
	assert_output $'x\nok'
	wait_for test ! -e rel || fail "relative path= FIFO left behind"
}

@test "fifo:path= refuses a path that is not a FIFO, uses and keeps an existing FIFO" {
	p=$BATS_TEST_TMPDIR/named
	echo data >"$p"
	run --separate-stderr "$IPCSH" -c "touch ran |[fifo:path=$p] cat"
	assert_failure 1
	[[ $stderr == *"not a FIFO"* ]]
	[ ! -e ran ]
	[ "$(cat "$p")" = data ]
	rm "$p"
	mkfifo "$p"
	run timeout 20 "$IPCSH" -c "echo hi |[fifo:path=$p] cat"
	assert_output hi
	sleep 0.2
	[ -p "$p" ]
}

@test "exec'd stages see only 0 1 2, of the right type, on every transport" {
	FDS="$IPCSH_BUILD/tests/helpers/fds"
	for t in pipe:pipe fifo:fifo sock:socket mq:pipe shm:pipe msg:pipe sysvshm:pipe mmap:pipe \
		dgram:pipe seqpacket:pipe tcp:socket; do
		run bash -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null
			"$IPCSH" -c "$0 -t |[$1] cat; true |[$1] $0 -t"' "$FDS" "${t%%:*}"
		assert_success
		assert_line --index 0 --regexp "^0:[a-z]+ 1:${t#*:} 2:[a-z]+$"
		assert_line --index 1 --regexp "^0:${t#*:} 1:[a-z]+ 2:[a-z]+$"
	done
}

@test "sock: the consumer's fd 0 is a socket" {
	run timeout 20 "$IPCSH" -c 'echo x |[sock] sh -c "test -S /dev/stdin && echo socket"'
	assert_output socket
}

@test "--stats counts exactly the bytes sent on every transport" {
	head -c 123457 /dev/urandom >data
	for t in $T_ALL; do
		run --separate-stderr timeout 20 "$IPCSH" --stats -c "cat data |[$t] cat >/dev/null"
		assert_success
		[[ $stderr == *"edge 1->2 ${t%%:*}"*" 123457 bytes"* ]] || fail "$t: $stderr"
	done
}

@test "an mq edge carries as many messages as --stats reports" {
	# 10-byte lines, 16-byte messages, lines mode: exactly one line per message.
	run --separate-stderr timeout 20 "$IPCSH" --stats -c 'seq 100000000 100000999 |[mq:lines,msgsize=16] wc -l'
	assert_output 1000
	[[ $stderr == *" 10000 bytes, 1000 messages"* ]] || fail "$stderr"
	# Raw mode: never more than msgsize per message.
	run --separate-stderr timeout 20 "$IPCSH" --stats -c 'head -c 100000 /dev/zero |[mq:msgsize=1000] cat >/dev/null'
	n=$(sed -n 's/.* \([0-9]*\) messages.*/\1/p' <<<"$stderr")
	[ "$n" -ge 100 ] || fail "$stderr"
}

@test "-x shows the options each edge actually got" {
	run --separate-stderr "$IPCSH" -x -c 'true |[shm:size=5000] cat |[mq:lines] cat |[fifo] cat |[sock:buf=64K] cat'
	assert_success
	[[ $stderr == *"|[shm:size=8K]"* ]] || fail "$stderr"
	[[ $stderr == *"|[mq:msgsize=8192,maxmsg=10,lines]"* ]] || fail "$stderr"
	[[ $stderr == *"|[fifo:size="* ]] || fail "$stderr"
	[[ $stderr == *"|[sock:buf="* ]] || fail "$stderr"
}

@test "an shm edge's relays map the ring, and nothing else names it" {
	setsid "$IPCSH" -c 'sleep 2 |[shm:size=4M] cat' &
	pid=$!
	SESSIONS=$pid
	wait_for relays_are $pid 2
	n=0
	for r in $(relay_pids $pid); do
		# A shared mapping of the memfd: the 4 MiB ring and its header page.
		maps_shared "$r" $(((4 << 20) + 4096)) && n=$((n + 1))
	done
	maps_shared "$pid" $(((4 << 20) + 4096)) && fail "ipcsh kept the ring mapped after spawning"
	wait $pid
	[ "$n" -eq 2 ] || fail "ring found in $n relays"
	assert_nothing_left
}

@test "fault points: ipcsh killed right after creating an object leaves nothing" {
	for f in mq-open:mq fifo-mkdir:fifo fifo-mkfifo:fifo shm-map:shm sock-pair:sock \
		"fifo-path:fifo:path=$BATS_TEST_TMPDIR/faulted" msg-get:msg sysvshm-shmget:sysvshm \
		sysvshm-semget:sysvshm mmap-file:mmap "mmap-file:mmap:path=$BATS_TEST_TMPDIR/faulted" \
		dgram-pair:dgram dgram-pair:seqpacket tcp-connect:tcp; do
		run env IPCSH_FAULT="${f%%:*}" "$IPCSH" -c "touch ran |[${f#*:}] cat"
		assert_failure 137
		[ ! -e ran ]
		assert_nothing_left
		[ ! -e "$BATS_TEST_TMPDIR/faulted" ]
	done
}

@test "kill -9 of ipcsh mid-stream leaves no object behind" {
	p=$BATS_TEST_TMPDIR/named
	setsid "$IPCSH" -c "yes |[mq] cat |[fifo] cat |[shm] cat |[fifo:path=$p] cat |[sock] cat |[msg] cat |[sysvshm] cat |[mmap:path=$p.m] cat |[mmap] cat |[dgram] cat |[seqpacket] cat |[tcp] cat >/dev/null" &
	pid=$!
	SESSIONS=$pid
	wait_for test -p "$p"
	wait_for test -f "$p.m"
	wait_for relays_are $pid 16
	kill -9 "$pid"
	wait_for test ! -e "$p" || fail "$p left behind"
	wait_for test ! -e "$p.m" || fail "$p.m left behind"
	assert_nothing_left
	kill -9 -- -"$pid" 2>/dev/null || true
	wait_for sh -c "! pgrep -s $pid >/dev/null" || fail "processes left in session $pid"
}

@test "a relay killed mid-stream fails the pipeline with a message, nothing hangs" {
	for t in $T_RELAYED; do
		for victim in 1 2; do
			setsid "$IPCSH" -c "yes |[$t] cat >/dev/null" 2>err &
			pid=$!
			SESSIONS=$pid
			wait_for relays_are $pid 2 || fail "no relays"
			kill -9 "$(relay_pids $pid | sed -n ${victim}p)"
			wait_for gone $pid || fail "$t: the pipeline hangs after relay $victim was killed"
			run wait $pid
			assert_failure
			grep -q "edge 1->2 ($t)" err || fail "$t/$victim: $(cat err)"
		done
	done
	assert_nothing_left
}

@test "pipe budget: as an unprivileged user at most a quarter goes to big pipes" {
	command -v setpriv >/dev/null || skip "setpriv missing"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
	cmd="true"
	for _ in $(seq 40); do cmd="$cmd | cat"; done
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups "$IPCSH" -x -c "$cmd"
	assert_success
	big=$(grep -o 'pipe:size=1M' <<<"$stderr" | wc -l)
	soft=$(cat /proc/sys/fs/pipe-user-pages-soft)
	[ "$big" -ge 1 ] || fail "no big pipe: $stderr"
	[ $((big * 256)) -le $((soft / 4)) ] || fail "$big pipes of 1M exceed a quarter of $soft pages"
	grep -q 'pipe:size=64K\|pipe:size=8K\|pipe:size=4K' <<<"$stderr" || fail "no fallback: $stderr"
}

@test "relays stop and continue with their process group, losing nothing" {
	want=$(seq 2000000 | md5sum)
	for t in mq mq:lines shm msg sysvshm mmap dgram seqpacket:lines; do
		setsid "$IPCSH" -c "seq 2000000 |[$t] md5sum" >out &
		pid=$!
		SESSIONS=$pid
		for _ in 1 2 3 4 5; do
			kill -STOP -- -"$pid" 2>/dev/null || break
			sleep 0.05
			kill -CONT -- -"$pid" 2>/dev/null || break
			sleep 0.05
		done
		wait "$pid"
		[ "$(cat out)" = "$want" ] || fail "$t: $(cat out)"
	done
}

@test "a slow producer is stopped at its first write after the consumer left, as by a pipe" {
	for t in $T_ALL; do
		rm -f reached
		run --separate-stderr timeout 30 "$IPCSH" -c "sh -c 'echo a; sleep 2; echo b; touch reached' |[$t] head -1"
		assert_output a
		[ ! -e reached ] || fail "$t: the producer's write after the consumer left succeeded"
	done
}

@test "-x shows what the system granted on the new transports" {
	run --separate-stderr "$IPCSH" -x -c 'true |[msg:lines] cat |[sysvshm:size=5000] cat |[mmap] cat |[dgram:msgsize=1K] cat |[seqpacket] cat |[tcp:nodelay] cat'
	assert_success
	[[ $stderr == *"|[msg:msgsize="*",maxbytes="*",lines]"* ]] || fail "$stderr"
	[[ $stderr == *"|[sysvshm:size=8K,slots=4x2K]"* ]] || fail "$stderr"
	[[ $stderr == *"|[mmap:size=1M,slots=16x64K]"* ]] || fail "$stderr"
	[[ $stderr == *"|[dgram:msgsize=1K,buf="* ]] || fail "$stderr"
	[[ $stderr == *"|[seqpacket:msgsize=64K,buf="* ]] || fail "$stderr"
	[[ $stderr =~ \|\[tcp:buf=[^]]*,nodelay,port=[0-9]+\] ]] || fail "$stderr"
}

@test "socket pairs ask for a 1 MiB send buffer by default, as much as wmem_max and rmem_max allow" {
	# kib N: N bytes as -x writes them (1M, or a whole number of K)
	kib() { if [ "$1" -eq 1048576 ]; then echo 1M; else echo "$(($1 / 1024))K"; fi; }
	local w r
	w=$(cat /proc/sys/net/core/wmem_max) r=$(cat /proc/sys/net/core/rmem_max)
	w=$((w < 1048576 ? w : 1048576)) r=$((r < 1048576 ? r : 1048576))
	((w % 1024 == 0 && r % 1024 == 0)) || skip "wmem_max or rmem_max is not a whole number of KiB"
	local snd=$(kib "$w") sock
	[ "$w" -eq "$r" ] && sock=$snd || sock="$snd/$(kib "$r")"
	run --separate-stderr "$IPCSH" -x -c 'seq 3 |[sock] cat |[dgram] cat |[seqpacket] cat'
	assert_success
	assert_output $'1\n2\n3'
	[[ $stderr == *"|[sock:buf=$sock]"* ]] || fail "$stderr"
	[[ $stderr == *"|[dgram:msgsize=64K,buf=$snd]"* ]] || fail "$stderr"
	[[ $stderr == *"|[seqpacket:msgsize=64K,buf=$snd]"* ]] || fail "$stderr"
	# buf= still sets it
	run --separate-stderr "$IPCSH" -x -c 'true |[sock:buf=64K] cat |[dgram:buf=128K] cat'
	[[ $stderr == *"|[sock:buf=64K]"* ]] || fail "$stderr"
	[[ $stderr == *"|[dgram:msgsize=64K,buf=128K]"* ]] || fail "$stderr"
}

@test "System V limits the system cannot meet: the edge, the transport and the limit, nothing runs" {
	run --separate-stderr "$IPCSH" -c 'touch ran |[msg:msgsize=1M] cat'
	assert_failure 1
	[[ $stderr == *"edge 1->2 (msg)"*"/proc/sys/kernel/msgmax"* ]] || fail "$stderr"
	run --separate-stderr "$IPCSH" -c 'touch ran |[msg:maxbytes=1K] cat'
	assert_failure 1
	[[ $stderr == *"edge 1->2 (msg)"*"maxbytes=1024"* ]] || fail "$stderr"
	run --separate-stderr "$IPCSH" -c 'echo a | touch ran |[dgram:msgsize=1G] cat'
	assert_failure 1
	[[ $stderr == *"edge 2->3 (dgram)"*SO_SNDBUF* ]] || fail "$stderr"
	[ ! -e ran ]
	# A private IPC namespace (root) lowers the System V limits for this test only.
	if [ "$(id -u)" -eq 0 ] && unshare --ipc true 2>/dev/null; then
		run --separate-stderr unshare --ipc sh -c 'echo 65536 >/proc/sys/kernel/shmmax
			"$IPCSH" -c "touch ran |[sysvshm] cat"'
		assert_failure 1
		[[ $stderr == *"edge 1->2 (sysvshm)"*"/proc/sys/kernel/shmmax (65536)"* ]] || fail "$stderr"
		run --separate-stderr unshare --ipc sh -c 'echo 0 >/proc/sys/kernel/msgmni
			"$IPCSH" -c "touch ran |[msg] cat"'
		assert_failure 1
		[[ $stderr == *"edge 1->2 (msg)"*msgmni* ]] || fail "$stderr"
		run --separate-stderr unshare --ipc sh -c 'echo "250 32000 32 0" >/proc/sys/kernel/sem
			"$IPCSH" -c "touch ran |[sysvshm:size=16K] cat"'
		assert_failure 1
		[[ $stderr == *"edge 1->2 (sysvshm)"*SEMMNI* ]] || fail "$stderr"
		[ ! -e ran ]
	fi
	assert_nothing_left
}

@test "mmap:path= is a file while the pipeline runs, removed after; an existing path is refused" {
	p=$BATS_TEST_TMPDIR/ring
	run timeout 20 "$IPCSH" -c "sh -c 'test -f $p && echo mapped' |[mmap:path=$p,size=64K] cat"
	assert_success
	assert_output mapped
	wait_for test ! -e "$p" || fail "$p left behind"
	echo data >"$p"
	run --separate-stderr "$IPCSH" -c "touch ran |[mmap:path=$p] cat"
	assert_failure 1
	[[ $stderr == *"edge 1->2 (mmap)"*"exists and is not ours"* ]] || fail "$stderr"
	[ "$(cat "$p")" = data ]
	[ ! -e ran ]
}

@test "message transports keep lines whole and stay within msgsize" {
	# A consumer that reads the stream in tiny pieces still gets every line.
	for t in msg:lines,msgsize=64 dgram:lines,msgsize=64 seqpacket:lines,msgsize=64; do
		run timeout 20 "$IPCSH" -c "seq 100000 |[$t] dd bs=7 status=none | md5sum"
		assert_output "$(seq 100000 | md5sum)"
	done
	# Lines longer than a message span messages.
	run timeout 20 "$IPCSH" -c "head -c 100000 /dev/zero | tr '\\0' x |[dgram:lines,msgsize=100] wc -c"
	assert_output 100000
}

@test "sysvshm: the segment is removed at once, the semaphore set when the pipeline ends" {
	setsid "$IPCSH" -c 'sleep 1 |[sysvshm] cat' &
	pid=$!
	SESSIONS=$pid
	wait_for relays_are $pid 2
	# No keyed segment: attached and removed (dest) before any stage ran.
	segs=$(ipcs -m | awk '$1 ~ /^0x/ && $1 != "0x00000000"' | wc -l)
	sems=$(ipcs -s | awk '$1 ~ /^0x/ && $1 != "0x00000000"' | wc -l)
	wait $pid
	[ "$segs" -eq "$(echo "$SNAP_BEFORE" | grep -c ' ')" ] || true
	[ "$sems" -ge 1 ] || fail "no semaphore set while running"
	assert_nothing_left
}

@test "a consumer stage that is ipcsh code relays in a thread of its own: no relay_out process, the same output and statuses" {
	# yes is a program: ipcsh forks relay_in and the stage; relay_out is
	# a thread of the stage (src/exec/outthread.c), not a third child.
	for t in shm mq mq:lines; do
		setsid "$IPCSH" -c "yes |[$t] { read a; sleep 2; read b; printf %s \$a\$b; }; echo \" \${PIPESTATUS[*]}\"" >out &
		pid=$!
		SESSIONS=$pid
		wait_for pgrep -s "$pid" -x sleep || fail "$t: the stage did not start"
		sleep 0.3
		relays_are $pid 2 || fail "$t: ipcsh's forked children: $(relay_pids $pid | wc -l)"
		wait $pid
		[ "$(cat out)" = "yy 141 0" ] || fail "$t: $(cat out)"
	done
	for t in shm mq mq:lines; do
		# More than the stage's first move: the thread streams the rest.
		run timeout 20 "$IPCSH" -c "seq 200000 |[$t] { n=0; while read -r l; do n=\$((n+1)); done; echo \$n; }"
		assert_output 200000
		# A fork of the stage has no thread: its end is not the reader's.
		run timeout 20 "$IPCSH" -c "seq 30000 |[$t] { n=0; while read -r l; do n=\$((n+1)); [ \$((n % 5000)) = 0 ] && (:); done; echo \$n; }"
		assert_output 30000
		# A program in the stage's place: exec, or the last command.
		run timeout 20 "$IPCSH" -c "seq 100000 |[$t] { read -r a; exec wc -l; }; echo st=\$?"
		assert_output "99999
st=0"
		run timeout 20 "$IPCSH" -c "yes |[$t] { read -r a; head -1; }; echo \"\${PIPESTATUS[*]}\""
		assert_output "y
141 0"
		# A stage whose stdin is redirected away: the stream is dropped,
		# the stage is not killed by the relay's write (SIGPIPE).
		run timeout 20 "$IPCSH" -c "echo hi |[$t] read v </dev/null; echo \"\${PIPESTATUS[*]}\""
		assert_output "0 1"
		# A stage killed is a reader gone, as with a pipe: no relay died.
		run --separate-stderr timeout 20 "$IPCSH" -c "yes |[$t] { read -r a; sh -c 'kill -9 \$PPID'; }; echo \"\${PIPESTATUS[*]}\""
		assert_output "141 137"
		[ -z "$stderr" ] || fail "$t: $stderr"
	done
	assert_nothing_left
}

@test "echo or printf as the first stage runs in ipcsh: no process, no relay_in, the same output and statuses" {
	# 8 MB: more than the edge holds, so ipcsh is still writing while
	# the consumer sleeps. Its only forked children then are the
	# consumer-side relays: none for a pipe, relay_out for the others.
	for t in pipe:0 shm:1 mq:1 sysvshm:1 mmap:1; do
		setsid "$IPCSH" -c "x=\$(head -c 8000000 /dev/zero | tr '\\0' 0); echo \"\$x\" |[${t%:*}] sh -c 'sleep 2; head -c 3'; echo \" \${PIPESTATUS[*]}\"" >out &
		pid=$!
		SESSIONS=$pid
		wait_for pgrep -s "$pid" -x sleep || fail "$t: the consumer did not start"
		sleep 0.5
		relays_are $pid "${t#*:}" || fail "$t: ipcsh's forked children: $(relay_pids $pid | wc -l)"
		wait $pid
		# The consumer left with most of it unread: 141, as a forked echo.
		[ "$(cat out)" = "000 141 0" ] || fail "$t: $(cat out)"
	done
	# All of it, through each transport that takes ipcsh's writes
	# directly, and through a plain pipe.
	for t in pipe shm mq mq:lines dgram:lines sysvshm mmap; do
		run timeout 20 "$IPCSH" -c "printf '%s\n' \$(seq 30000) |[$t] md5sum; echo st=\$?"
		assert_output "$(seq 30000 | md5sum)
st=0"
	done
	# `trap '' PIPE` is kept by a forked stage: then a write error, as in bash.
	run --separate-stderr timeout 20 "$IPCSH" -c "trap '' PIPE; printf '%04000000d\n' 0 |[shm] head -c 3; echo \" \${PIPESTATUS[*]}\""
	assert_output "000 1 0"
	[ "$stderr" = "ipcsh: printf: write error: Broken pipe" ] || fail "$stderr"
	# The reader cannot be gone before ipcsh wrote what the edge takes.
	run "$IPCSH" -c 'set -o pipefail; for i in 1 2 3 4 5 6 7 8; do echo hi | true || echo "st=$?"; done; echo ok'
	assert_output ok
	assert_nothing_left
}
