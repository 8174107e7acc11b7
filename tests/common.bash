# common.bash — loaded by every bats file: `load common`.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${IPCSH:=$BATS_TEST_DIRNAME/../build/ipcsh}"
: "${IPCSHD:=$BATS_TEST_DIRNAME/../build/ipcshd}"
: "${IPCSH_BUILD:=$BATS_TEST_DIRNAME/../build}"
export IPCSH IPCSHD IPCSH_BUILD

# ipcsh ARGS...: run the binary under test (under valgrind with IPCSH_VALGRIND=1).
ipcsh() {
	if [ -n "${IPCSH_VALGRIND:-}" ]; then
		# Only definite leaks are errors, so only they are shown: tests that
		# check stderr must not see "possibly lost" notes of relays' exits.
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--show-leak-kinds=definite "$IPCSH" "$@"
	else
		"$IPCSH" "$@"
	fi
}

# not_under_valgrind: true unless make valgrind runs the suite. valgrind
# keeps file descriptors of its own under the soft RLIMIT_NOFILE (ulimit -n
# shows 12 less) and refuses to change that limit.
not_under_valgrind() { [ -z "${IPCSH_VALGRIND:-}" ]; }

# Fail unless the named process group / pid list is gone (no stray processes).
# ipcsh_no_objects_left: snapshot helpers for /dev/shm, /dev/mqueue and
# System V objects that have a key (ipcsh's have one while they can leak;
# a segment removed while attached shows key 0 and goes with its users).
ipc_snapshot() {
	{
		ls -1 /dev/shm 2>/dev/null
		ls -1 /dev/mqueue 2>/dev/null
		ipcs -q -m -s 2>/dev/null | awk '$1 ~ /^0x/ && $1 != "0x00000000" { print "sysv", $1, $2 }'
	} | sort
}

# no_ipc_left: no shared memory or message queue appeared since setup took
# IPC_BEFORE=$(ipc_snapshot).
no_ipc_left() {
	local now
	now=$(ipc_snapshot)
	[ "$now" = "$IPC_BEFORE" ] || {
		echo "IPC objects left: $(comm -13 <(echo "$IPC_BEFORE") <(echo "$now"))"
		return 1
	}
}
