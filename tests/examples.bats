#!/usr/bin/env bats
# examples.bats — every examples/*.ipcsh runs through the ipcsh under test
# and prints what its header promises; none leaves an IPC object or a
# process behind.
load common

EX=$BATS_TEST_DIRNAME/../examples

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	IPC_BEFORE=$(ipc_snapshot)
}

# wait_until CMD...: poll CMD for up to 20 s.
wait_until() {
	local i
	for ((i = 0; i < 400; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*"
	return 1
}

# gone PID: true once PID has exited.
gone() { ! kill -0 "$1" 2>/dev/null; }

# producer_consumer T: run examples/pc-T.ipcsh and check the consumer got
# exactly the producer's bytes.
producer_consumer() {
	local expected
	expected=$(seq 1 100000 | cksum)
	run --separate-stderr ipcsh "$EX/pc-$1.ipcsh"
	assert_success
	assert_output "$expected"
	[ -z "$stderr" ] || { echo "stderr: $stderr"; false; }
	no_ipc_left
}

@test "examples: every example has a shebang, a header, is executable and parses" {
	local f n=0
	for f in "$EX"/*.ipcsh; do
		n=$((n + 1))
		[ -x "$f" ] || { echo "$f is not executable"; false; }
		[ "$(sed -n 1p "$f")" = "#!/usr/bin/env ipcsh" ] || { echo "$f: no shebang"; false; }
		sed -n 2p "$f" | grep -q "^# ${f##*/}" || { echo "$f: no header naming it"; false; }
		run --separate-stderr ipcsh -n "$f"
		assert_success
	done
	[ "$n" -ge 15 ]
}

@test "examples: pc-pipe.ipcsh, producer/consumer over a pipe" {
	producer_consumer pipe
}

@test "examples: pc-fifo.ipcsh, producer/consumer over a FIFO" {
	producer_consumer fifo
}

@test "examples: pc-sock.ipcsh, producer/consumer over a socket pair" {
	producer_consumer sock
}

@test "examples: pc-mq.ipcsh, producer/consumer over a message queue" {
	producer_consumer mq
}

@test "examples: pc-shm.ipcsh, producer/consumer over a shared-memory ring" {
	producer_consumer shm
}

# The mechanisms of the rest of the textbook: one file each, one table here.
@test "examples: pc-msg, pc-sysvshm, pc-mmap, pc-dgram, pc-seqpacket, pc-tcp" {
	local t
	for t in msg sysvshm mmap dgram seqpacket tcp; do
		producer_consumer "$t"
	done
}

@test "examples: an example runs on its own through #!/usr/bin/env ipcsh" {
	mkdir bin
	ln -s "$IPCSH" bin/ipcsh
	run --separate-stderr env PATH="$PWD/bin:$PATH" "$EX/pc-pipe.ipcsh"
	assert_success
	assert_output "$(seq 1 100000 | cksum)"
}

@test "examples: task-queue.ipcsh runs every task once, in order, over mq:lines" {
	run --separate-stderr ipcsh "$EX/task-queue.ipcsh"
	assert_success
	assert_output "$(factor $(seq 1 12))"
	[ -z "$stderr" ]
	run --separate-stderr ipcsh "$EX/task-queue.ipcsh" 2000
	assert_success
	assert_output "$(seq 1 2000 | xargs factor)"
	no_ipc_left
}

@test "examples: log-pipeline.ipcsh collects lines that other programs write into its fifo:path edge" {
	mkfifo feed
	ipcsh "$EX/log-pipeline.ipcsh" <feed >out 2>err &
	local pid=$!
	BG=$pid
	exec 4>feed # the example's own input: kept open until the others wrote
	printf 'INFO started\nDEBUG noise\n' >&4
	wait_until test -p ipcsh-log.fifo
	timeout 20 sh -c "echo 'ERROR disk full' > ipcsh-log.fifo"
	timeout 20 sh -c "printf 'INFO retry\nDEBUG more noise\nWARN slow disk\n' > ipcsh-log.fifo"
	exec 4>&-
	wait_until gone "$pid"
	wait "$pid"
	run cat out
	assert_output "      1 ERROR
      2 INFO
      1 WARN"
	[ ! -s err ] || { cat err; false; }
	# ipcsh created the FIFO, so it removed it.
	[ ! -e ipcsh-log.fifo ]
	no_ipc_left
}

@test "examples: bench.ipcsh moves the same bytes through all five transports" {
	local sum
	sum=$(head -c 64M /dev/zero | cksum)
	run --separate-stderr ipcsh "$EX/bench.ipcsh"
	assert_success
	assert_output "pipe $sum
fifo $sum
sock $sum
mq   $sum
shm  $sum"
	no_ipc_left
}

@test "examples: remote-grep.ipcsh without IPCSH_GREP_HOST says what to set and runs nothing" {
	run --separate-stderr env -u IPCSH_GREP_HOST "$IPCSH" "$EX/remote-grep.ipcsh" ERROR /etc/hostname
	assert_failure 2
	assert_output ""
	[[ $stderr == *IPCSH_GREP_HOST* ]]
}

@test "examples: remote-grep.ipcsh greps a file through a local ipcshd" {
	printf 'INFO a\nERROR one\nINFO b\nERROR two\n' >app.log
	export XDG_CONFIG_HOME=$PWD/cfg
	"$IPCSH" --keygen >/dev/null
	"$IPCSHD" --genkey-host hk >/dev/null
	local asroot=
	[ "$(id -u)" -ne 0 ] || asroot=--allow-root
	"$IPCSHD" --listen 127.0.0.1:0 --host-key hk --authorized-keys cfg/ipcsh/id.pub --allow grep \
		$asroot 2>daemon.log &
	DAEMON=$!
	wait_until grep -qE '[0-9]{2,5}' daemon.log
	local port
	port=$(grep -oE '127\.0\.0\.1:[0-9]+' daemon.log | head -1 | cut -d: -f2)
	[ -n "$port" ] || port=$(grep -oE 'port [0-9]+' daemon.log | head -1 | cut -d' ' -f2)
	[ -n "$port" ] || { cat daemon.log; false; }
	echo "127.0.0.1:$port $(cut -d' ' -f1,2 hk.pub)" >cfg/ipcsh/known_hosts
	run --separate-stderr env IPCSH_GREP_HOST="127.0.0.1:$port" \
		"$IPCSH" "$EX/remote-grep.ipcsh" ERROR "$PWD/app.log"
	assert_success
	assert_output "127.0.0.1:$port:2:ERROR one
127.0.0.1:$port:4:ERROR two"
	no_ipc_left
}

teardown() {
	exec 4>&-
	if [ -n "${BG:-}" ]; then
		kill "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
	if [ -n "${DAEMON:-}" ]; then
		kill "$DAEMON" 2>/dev/null || true
		wait "$DAEMON" 2>/dev/null || true
	fi
}
