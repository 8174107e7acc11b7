#!/usr/bin/env bats
# diff.bats — the differential suite (tests/diff/run.sh): every case of
# tests/diff/cases run under ipcsh, dash and bash, stdout and status compared.
# One test runs them all (in parallel, a few seconds) and prints each failing
# case with both outputs; the summary and any FIXED pending case go into the
# output of `make check` as "# " lines. The other tests check the runner
# itself against fake ipcsh binaries, so that the suite can fail.
load common

RUNNER="$BATS_TEST_DIRNAME/diff/run.sh"

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir -p cases
	: >pending
}

# fake NAME BODY: an executable "ipcsh" that runs BODY (sh) instead.
fake() {
	printf '#!/bin/sh\n%s\n' "$2" >"$1"
	chmod +x "$1"
}

# runner [ARGS]: the runner on ./cases and ./pending with ./ipcsh.
runner() {
	run env IPCSH="$PWD/ipcsh" DIFF_CASES="$PWD/cases" DIFF_PENDING="$PWD/pending" bash "$RUNNER" "$@"
}

@test "diff: every case matches dash and bash (pending cases aside)" {
	local bin=$IPCSH limit=10
	if [ -n "${IPCSH_VALGRIND:-}" ]; then
		# make valgrind: the cases' ipcsh under valgrind, as common.bash's ipcsh().
		printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite "%s" "$@"\n' "$IPCSH" >vg
		chmod +x vg
		bin=$PWD/vg limit=120
	fi
	run env IPCSH="$bin" DIFF_TIMEOUT="$limit" bash "$RUNNER"
	# Into make check's output: the summary and what was fixed.
	grep -E '^# (diff|FIXED)' <<<"$output" >&3 || true
	if [ "$status" -ne 0 ]; then
		grep -v '^ok ' <<<"$output"
		fail "differential cases failed (tests/diff/run.sh NAME shows one)"
	fi
	assert_line --regexp '^# diff: [0-9]+ cases: [1-9][0-9]* passed, 0 failed'
}

@test "diff runner: ipcsh that differs fails the case; pending makes it a skip" {
	printf 'echo one\necho two\nexit 3\n' >cases/c.sh
	fake ipcsh 'echo one; echo TWO; exit 3'
	runner
	assert_failure 1
	assert_line 'not ok 1 c # ipcsh differs from dash'
	assert_line '#     | TWO'
	fake ipcsh 'echo one; echo two; exit 4'
	runner
	assert_failure 1
	assert_line --partial 'ipcsh: status 4'
	echo 'c # not yet' >pending
	runner
	assert_success
	assert_line 'ok 1 c # skip pending: not yet'
}

@test "diff runner: a pending case that passes is announced FIXED, not failed" {
	printf 'echo "$1-$2"; read -r l; echo "[$l]"\n' >cases/c.sh
	printf 'a b\nc\n' >cases/c.args
	echo 'in put' >cases/c.stdin
	fake ipcsh 'echo "a b-c"; echo "[in put]"'
	echo 'c # not yet' >pending
	runner
	assert_success
	assert_line 'ok 1 c # FIXED: passes now, delete it from tests/diff/pending'
	assert_line '# FIXED: c passes now: delete it from tests/diff/pending'
}

@test "diff runner: dash and bash disagreeing needs '# follow:'; follow picks the reference" {
	printf 'echo -e "a\\tb"\n' >cases/c.sh
	fake ipcsh 'printf "a\tb\n"'
	runner
	assert_failure 1
	assert_line --partial "not ok 1 c # case error: dash and bash disagree"
	printf '# follow: bash echo -e as bash\necho -e "a\\tb"\n' >cases/c.sh
	runner
	assert_success
	assert_line 'ok 1 c'
	printf '# follow: dash echo -e as dash\necho -e "a\\tb"\n' >cases/c.sh
	runner
	assert_failure 1
	printf '# follow: bash\necho -e "a\\tb"\n' >cases/c.sh
	runner
	assert_failure 1
	assert_line --partial "bad header '# follow: bash'"
}

@test "diff runner: transports become plain pipes for dash and bash; fresh directory each" {
	printf 'echo x |[shm] tr x y |[mq:lines] cat; ls; : >f; echo "$0"; basename "$PWD"\n' >cases/c.sh
	fake ipcsh 'echo y; echo ../case.sh; echo run'
	runner
	assert_success
	assert_line 'ok 1 c'
}

@test "diff runner: known differences, bad pending entries, timeouts" {
	printf '# known-difference: ipcsh says hi\necho hello\n' >cases/k.sh
	printf 'sleep 30\n' >cases/t.sh
	fake ipcsh 'case $1 in *) echo hi ;; esac'
	printf 'k # x\nnope # gone\nt\n' >pending
	run env IPCSH="$PWD/ipcsh" DIFF_CASES="$PWD/cases" DIFF_PENDING="$PWD/pending" DIFF_TIMEOUT=1 bash "$RUNNER" k
	assert_failure 1
	assert_line 'ok 1 k # skip pending: x'
	assert_line 'not ok 2 pending list: nope: no such case'
	assert_line "not ok 3 pending list: t: no '# reason'"
	: >pending
	runner k
	assert_success
	assert_line 'ok 1 k # skip known-difference: ipcsh says hi'
	fake ipcsh 'sleep 30'
	printf 'sleep 0.1\n' >cases/t.sh
	run env IPCSH="$PWD/ipcsh" DIFF_CASES="$PWD/cases" DIFF_PENDING="$PWD/pending" DIFF_TIMEOUT=1 bash "$RUNNER" t
	assert_failure 1
	assert_line '#   ipcsh: status 124 (timed out), stdout:'
}
