#!/usr/bin/env bash
# make stress: SIGKILL/leak/fd/hang stress of ipcsh (tests/stress/stress.py),
# then the daemon under fire (tests/stress/daemon-fire.sh, a sanitized ipcshd).
# Not part of make check: a few minutes on 2 cores. Needs root (it creates
# private namespaces and switches to the user nobody for unprivileged runs).
#
#   BUILD=build [SAN_BUILD=build-san] bash tests/stress/run.sh [stress.py options]
#   STRESS_PARTS="ipcsh daemon" (default both); STRESS_ARGS for stress.py,
#   e.g. STRESS_ARGS="--kills 100 --head 20" for a quick run.
#
# Inside `unshare --ipc --mount --pid`: a fresh mqueue filesystem on
# /dev/mqueue, a fresh tmpfs on /dev/shm and a process table holding only
# this test, so anything found afterwards was left by ipcsh (other users of
# the machine cannot disturb the counts).
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
parts=${STRESS_PARTS:-ipcsh daemon}

if [ "$(id -u)" -ne 0 ]; then
	echo "stress: needs root (namespaces, and setuid to nobody for unprivileged runs)" >&2
	exit 2
fi
for f in "$BUILD/ipcsh" "$BUILD/tests/helpers/mqbudget"; do
	[ -x "$f" ] || { echo "stress: $f missing: run make BUILD=$BUILD stress" >&2; exit 2; }
done

status=0
if [ -z "${IPCSH_STRESS_NS:-}" ] && [[ " $parts " == *" ipcsh "* ]]; then
	if unshare --ipc --mount --pid --fork --mount-proc --propagation private true 2>/dev/null; then
		IPCSH_STRESS_NS=1 STRESS_PARTS=ipcsh unshare --ipc --mount --pid --fork --mount-proc \
			--propagation private bash "$0" "$@" || status=1
		parts=${parts/ipcsh/}
	else
		echo "stress: no namespaces here: comparing with a snapshot of the shared system" >&2
	fi
fi

if [[ " $parts " == *" ipcsh "* ]]; then
	ns=()
	if [ -n "${IPCSH_STRESS_NS:-}" ]; then
		mount -t mqueue none /dev/mqueue || exit 2
		mount -t tmpfs -o mode=1777 none /dev/shm || exit 2
		ns=(--ns)
	elif ! mountpoint -q /dev/mqueue; then
		mkdir -p /dev/mqueue && mount -t mqueue none /dev/mqueue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/ipcsh-stress.XXXXXX") || exit 2
	chmod 1777 "$work" # nobody creates fifo:path= FIFOs here
	# shellcheck disable=SC2086 # STRESS_ARGS is a list of options
	python3 tests/stress/stress.py --ipcsh "$BUILD/ipcsh" \
		--mqbudget "$BUILD/tests/helpers/mqbudget" --work "$work" "${ns[@]}" \
		${STRESS_ARGS:-} "$@" || status=1
	rm -rf "$work"
fi

if [[ " $parts " == *" daemon "* ]]; then
	# The daemon under fire runs from the sanitized build: make it if needed.
	SAN_BUILD=${SAN_BUILD:-build-san}
	if [ ! -x "$SAN_BUILD/ipcshd" ]; then
		make -s SANITIZE=address,undefined BUILD="$SAN_BUILD" "$SAN_BUILD/ipcshd" || status=1
	fi
	BUILD=$BUILD SAN_BUILD=$SAN_BUILD bash tests/stress/daemon-fire.sh || status=1
fi
exit $status
