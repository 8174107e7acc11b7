#!/usr/bin/env bats
# Part of the suite as an unprivileged user: root is exempt from the
# per-user pipe budget and from permission checks, so these run as nobody.

load common

setup() {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
	# The bats temp dir is private to root: use one nobody can enter.
	U=$(mktemp -d /tmp/ipcsh-unpriv.XXXXXX)
	cp "$IPCSH" "$U/ipcsh"
	chmod 755 "$U" "$U/ipcsh"
	cd "$U" || exit 1
}

teardown() {
	cd / && rm -rf "$U"
}

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$U" PATH=/usr/bin:/bin "$U/ipcsh" "$@"
}

@test "unprivileged: permission errors name the file; 126 for a non-executable" {
	printf 'echo hi\n' > "$U/script"
	chmod 644 "$U/script"
	run -0 --separate-stderr as_nobody -c 'echo x > /root/ipcsh-denied; echo st=$?; ./script; echo st=$?; cat < /etc/shadow; echo st=$?'
	assert_output 'st=1
st=126
st=1'
	[[ $stderr == *"/root/ipcsh-denied: Permission denied"* ]]
	[[ $stderr == *"/etc/shadow: Permission denied"* ]]
}

@test "unprivileged: enlarged pipes stay within a quarter of the per-user pipe budget" {
	soft=$(cat /proc/sys/fs/pipe-user-pages-soft)
	[ "$soft" -gt 0 ] || skip "no per-user pipe budget on this machine"
	share=$((soft * 4096 / 4))
	n=$((share / 1048576 + 8))
	cmd="seq 3"
	for _ in $(seq "$n"); do cmd="$cmd | cat"; done
	run -0 --separate-stderr as_nobody -x -c "$cmd"
	assert_output '1
2
3'
	big=$(grep -o 'size=1M' <<<"$stderr" | wc -l)
	small=$(grep -o '|\[pipe:size=[0-9]*K\]' <<<"$stderr" | wc -l)
	# ipcsh took at most its share, then fell back quietly to the default size.
	[ "$big" -le $((share / 1048576)) ]
	[ "$big" -ge 1 ]
	[ "$small" -ge 8 ]
	[[ $stderr != *"cannot"* ]]
}

@test "unprivileged: other programs of the user keep normal pipes while ipcsh runs" {
	# While an 80-stage ipcsh pipeline (80 MiB of 1 MiB pipes would exceed the
	# 64 MiB default budget) holds its share, a pipe made by another program of
	# the same user still gets the default 64 KiB buffer.
	cmd="sleep 2"
	for _ in $(seq 80); do cmd="cat | $cmd"; done
	as_nobody -c "$cmd" </dev/null &
	pid=$!
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c 'import fcntl,os; r,w=os.pipe(); print(fcntl.fcntl(w, 1032))'
	wait "$pid"
	assert_output 65536
}

@test "unprivileged: a graph past the process limit fails before any process starts, naming the limit" {
	mkdir w && chmod 777 w
	# 9 processes (the host and 8 substitutions) under ulimit -u 6: nothing runs, one message,
	# the script goes on; the same for a host run in ipcsh (a function), a for list and a pipeline
	run --separate-stderr as_nobody -c 'ulimit -u 6
		cat <(touch w/ran) <(echo 2) <(echo 3) <(echo 4) <(echo 5) <(echo 6) <(echo 7) <(echo 8); echo "st=$?"
		f() { cat "$@"; }; f <(touch w/ran) <(echo 2) <(echo 3) <(echo 4) <(echo 5) <(echo 6) <(echo 7); echo "st=$?"
		for x in <(touch w/ran) <(echo 2) <(echo 3) <(echo 4) <(echo 5) <(echo 6) <(echo 7); do echo body; done; echo "st=$?"
		touch w/ran | cat | cat | cat | cat | cat | cat; echo "st=$?"'
	assert_output $'st=1\nst=1\nst=1\nst=1'
	[ ! -e w/ran ]
	[ "$(grep -c 'cannot start [0-9]* processes: past the process limit (RLIMIT_NPROC, ulimit -u 6, [0-9]* running as this user): nothing started' <<<"$stderr")" = 4 ] || { echo "$stderr"; false; }
	[[ $stderr == "ipcsh: cat <(touch w/ran) <(echo 2) "*" ...: cannot start 9 processes"* ]] || { echo "$stderr"; false; }
	[[ $stderr == *"ipcsh: f <(touch w/ran) "*"cannot start 7 processes"* ]] || { echo "$stderr"; false; }
	# under a limit with room, the same graph runs
	run -0 as_nobody -c 'ulimit -u 200; cat <(echo 1) <(echo 2) <(echo 3) <(echo 4) <(echo 5) <(echo 6) <(echo 7) <(echo 8) | wc -l'
	assert_output 8
}
