#!/usr/bin/env bash
# Runs every test tier and ends with the line "N passed, N failed".
#   C unit tests (TAP), fuzz-corpus replays, bats files (TAP).
# Usage: tests/run-all.sh [tests/x.bats ...]   (BUILD=build|build-san)
# With CI=true a skipped test counts as a failure: CI installs what tests need.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
export IPCSH_BUILD="$PWD/$BUILD"
export IPCSH="$PWD/$BUILD/ipcsh" IPCSHD="$PWD/$BUILD/ipcshd"
export IPCSH_SRC="$PWD"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=99}
passed=0 failed=0 skipped=0
log=$(mktemp -d "${TMPDIR:-/tmp}/ipcsh-check.XXXXXX")
trap 'rm -rf "$log"' EXIT

# Read TAP on stdin, echo it, and add to the counters.
count_tap() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok "*) failed=$((failed + 1)) ;;
		"ok "*"# skip"* | "ok "*"# SKIP"*)
			skipped=$((skipped + 1))
			if [ "${CI:-}" = true ]; then failed=$((failed + 1)); else passed=$((passed + 1)); fi ;;
		"ok "*) passed=$((passed + 1)) ;;
		esac
	done
}

run_bin() { # name cmd... : a binary printing TAP; a crash or non-zero exit is a failure
	local name=$1; shift
	"$@" >"$log/out" 2>"$log/err"
	local rc=$?
	count_tap <"$log/out"
	if [ $rc -ne 0 ]; then
		echo "not ok - $name exited with status $rc"
		sed 's/^/# /' "$log/err" | tail -30
		failed=$((failed + 1))
	fi
}

if [ $# -eq 0 ]; then
	echo "# C unit tests"
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		run_bin "$(basename "$t")" "$t"
	done
	echo "# fuzz corpus replays"
	for r in "$BUILD"/fuzz/replay_*; do
		[ -x "$r" ] || continue
		name=${r##*/replay_}
		if [ -d "fuzz/corpus/$name" ]; then
			run_bin "replay $name" "$r" "fuzz/corpus/$name"
		fi
	done
	set -- tests/*.bats
	# make valgrind: the interactive suite drives a terminal with timeouts
	# that a valgrinded ipcsh cannot meet; run the non-interactive ones.
	if [ -n "${IPCSH_VALGRIND:-}" ]; then
		bats_files=()
		for f in "$@"; do [ "$f" = tests/repl.bats ] || bats_files+=("$f"); done
		set -- "${bats_files[@]}"
		echo "# valgrind: skipping tests/repl.bats (interactive)"
	fi
fi

if [ $# -gt 0 ] && [ -e "$1" ]; then
	echo "# bats: $*"
	# Not `bats | count_tap`: the counters must survive (a pipeline's last
	# command runs in a subshell), or bats failures would not fail the run.
	count_tap < <(bats --tap "$@" 2>&1)
fi

echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
