#!/usr/bin/env bash
# tests/diff/run.sh — differential tests: the same script under ipcsh, dash
# and bash, stdout and exit status compared.
#
# Usage: tests/diff/run.sh [-v] [NAME...]     (default: every case)
#   -v   print the comparison of pending cases too (what still differs)
# Environment: IPCSH (default $BUILD/ipcsh, BUILD default build), DIFF_CASES
# (the cases directory), DIFF_PENDING (the pending list), DIFF_JOBS (2),
# DIFF_TIMEOUT (seconds per shell run, 10).
#
# A case is cases/NAME.sh, with optional NAME.args (one argument a line) and
# NAME.stdin (default stdin: /dev/null). Each shell runs it as `SHELL
# ../case.sh ARGS` in a fresh empty directory, with a small fixed
# environment (HOME is that directory, LC_ALL=C). For dash and bash every
# transport edge `|[…]` is first rewritten to a plain `|`.
#
# bash runs as `bash --posix`: ipcsh is a POSIX shell (SPEC §3), and posix
# mode turns off bash's known deviations from POSIX, so dash and bash agreeing
# is strong evidence of what POSIX (and so ipcsh) must do; the bash extensions
# that SPEC §3 adopts (local, `function f`, $'…', ${x/p/r}…) all work in
# posix mode too. Of these cases, plain bash differs from dash only where it
# departs from POSIX on purpose: no alias expansion in scripts, `trap` listing
# SIGINT for INT. (One case, exp_tilde_after_colon, is the other way round:
# it follows dash.)
#
# Headers (comment lines anywhere in the case):
#   # follow: bash|dash REASON     dash and bash disagree: ipcsh must match this one
#   # known-difference: REASON     ipcsh may differ (reported, not a failure)
#   # stderr: presence             also compare whether stderr is empty or not
# A case passes when ipcsh's stdout and status equal those of dash and bash.
#
# Pending list (tests/diff/pending): "NAME # reason" a line. A pending case
# that fails is reported as skip; one that passes prints a loud FIXED line
# (delete it from the list). A case whose references disagree without a
# follow header, or a pending entry without a reason or without a case, is
# a failure whatever the list says.
#
# Output: TAP lines ("ok N NAME", "ok N NAME # skip pending: …", "not ok N
# NAME" with "# " details), then a summary; exit 1 on any failure.
# run_shell sets PATH, TMPDIR... in a subshell on purpose:
# shellcheck disable=SC2030,SC2031
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CASES=${DIFF_CASES:-$here/cases}
PENDING=${DIFF_PENDING:-$here/pending}
JOBS=${DIFF_JOBS:-2}
TIMEOUT=${DIFF_TIMEOUT:-10}
IPCSH=${IPCSH:-$root/${BUILD:-build}/ipcsh}
export CASES PENDING TIMEOUT IPCSH

# The worker (run.sh --case WORKDIR NAME...) forks little: the machine is
# shared, and ~300 cases x 3 shells must stay within seconds.

# slurp VAR FILE: the whole file into VAR, trailing newlines kept.
slurp() {
	printf -v "$1" ''
	IFS= read -r -d '' "$1" <"$2" || true
}

# headers TEXT: set follow, known and stderr_mode from the "# KEY: value"
# lines of the case (the first of each).
headers() {
	local line re='^[[:space:]]*# (follow|known-difference|stderr):[[:space:]]*(.*)$'
	follow='' known='' stderr_mode=''
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		case ${BASH_REMATCH[1]} in
		follow) follow=${follow:-${BASH_REMATCH[2]}} ;;
		known-difference) known=${known:-${BASH_REMATCH[2]}} ;;
		stderr) stderr_mode=${stderr_mode:-${BASH_REMATCH[2]}} ;;
		esac
	done <<<"$1"
}

# run_shell WHICH DIR: run DIR/WHICH.d/case.sh in the empty DIR/WHICH.d/run;
# leaves DIR/WHICH.out, .err, .rc.
run_shell() {
	local which=$1 dir=$2 cmd limit=$TIMEOUT
	case $which in
	dash) cmd=(dash) ;;
	bash) cmd=(bash --posix) ;;
	ipcsh) cmd=("$IPCSH") ;;
	esac
	(
		cd "$dir/$which.d/run" || exit 125
		# The same small environment for every shell (env -i without an exec).
		unset "${exported[@]}" 2>/dev/null
		export PATH="$path" HOME="$dir/$which.d/run" TMPDIR="$dir/$which.d/run" LC_ALL=C TERM=dumb USER="$user"
		# A sanitizer build keeps the settings of tests/run-all.sh.
		[ ${#sanitizer[@]} -eq 0 ] || export "${sanitizer[@]}"
		exec timeout -k 2 "$limit" "${cmd[@]}" ../case.sh "${args[@]}" \
			<"$dir/case.stdin" >"$dir/$which.out" 2>"$dir/$which.err"
	)
	echo $? >"$dir/$which.rc"
}

# same DIR A B: A and B gave the same stdout and status (and, with the
# header "# stderr: presence", both or neither wrote to stderr).
same() {
	local oa ob ra rb
	slurp oa "$1/$2.out"
	slurp ob "$1/$3.out"
	slurp ra "$1/$2.rc"
	slurp rb "$1/$3.rc"
	[ "$oa" = "$ob" ] && [ "$ra" = "$rb" ] || return 1
	[ "$stderr_mode" = presence ] || return 0
	local a=0 b=0
	[ ! -s "$1/$2.err" ] || a=1
	[ ! -s "$1/$3.err" ] || b=1
	[ $a = $b ]
}

# describe DIR WHICH: a shell's result as "# " lines.
describe() {
	local d=$1 w=$2 rc
	slurp rc "$d/$w.rc"
	rc=${rc%$'\n'}
	echo "#   $w: status $rc$([ "$rc" != 124 ] || echo ' (timed out)'), stdout:"
	head -c 2000 "$d/$w.out" | head -n 15 | sed 's/^/#     | /'
	if [ -s "$d/$w.err" ]; then
		echo "#   $w stderr:"
		head -n 4 "$d/$w.err" | cut -c 1-200 | sed 's/^/#     ! /'
	fi
}

# run_case NAME WORKDIR: run one case; writes WORKDIR/NAME.res: a first line
# "pass|fail|error|known|fixed REASON" then "# " detail lines.
run_case() {
	local name=$1 d="$2/$1" ref reason text w follow known stderr_mode args=()
	mkdir -p "$d/dash.d/run" "$d/bash.d/run" "$d/ipcsh.d/run"
	slurp text "$CASES/$name.sh"
	headers "$text"
	[ ! -f "$CASES/$name.args" ] || mapfile -t args <"$CASES/$name.args"
	if [ -f "$CASES/$name.stdin" ]; then slurp w "$CASES/$name.stdin"; else w=''; fi
	printf '%s' "$w" >"$d/case.stdin"
	printf '%s' "$text" >"$d/ipcsh.d/case.sh"
	if [[ $text == *'|['* ]]; then
		# Every transport edge |[NAME…] becomes a plain | for the references
		# (a `||` or a `| [` is left alone).
		sed -E 's/(^|[^|])\|\[[a-z][a-z0-9]*(:[^]]*)?\]/\1|/g' <<<"$text" >"$d/dash.d/case.sh"
	else
		printf '%s' "$text" >"$d/dash.d/case.sh"
	fi
	slurp w "$d/dash.d/case.sh"
	printf '%s' "$w" >"$d/bash.d/case.sh"
	run_shell dash "$d"
	run_shell bash "$d"
	run_shell ipcsh "$d"
	{
		ref=dash
		if [ -n "$follow" ]; then
			ref=${follow%%[[:space:]]*}
			reason=${follow#"$ref"}
			if [ "$ref" != dash ] && [ "$ref" != bash ] || [ -z "${reason//[[:space:]]/}" ]; then
				echo "error bad header '# follow: $follow' (want: bash|dash REASON)"
				return
			fi
		elif ! same "$d" dash bash; then
			echo "error dash and bash disagree: add '# follow: bash|dash REASON' to the case"
			describe "$d" dash
			describe "$d" bash
			return
		fi
		if same "$d" ipcsh "$ref"; then
			if [ -n "$known" ]; then echo "fixed known-difference no longer differs: remove the header"; else echo pass; fi
			return
		elif [ -n "$known" ]; then
			echo "known $known"
		else
			echo "fail ipcsh differs from $ref$([ -z "$follow" ] || echo " (follow: $follow)")"
		fi
		describe "$d" ipcsh
		describe "$d" "$ref"
	} >"$2/$name.res"
}

if [ "${1:-}" = --case ]; then # internal: one worker of xargs
	work=$2
	shift 2
	mapfile -t exported < <(compgen -e)
	path=$PATH user=${USER:-user} sanitizer=()
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -z "${!v:-}" ] || sanitizer+=("$v=${!v}")
	done
	for n in "$@"; do run_case "$n" "$work"; done
	exit 0
fi

verbose=0
[ "${1:-}" != -v ] || { verbose=1; shift; }
[ -x "$IPCSH" ] || { echo "diff: $IPCSH is not built (make all)" >&2; exit 2; }
for s in dash bash timeout; do
	command -v "$s" >/dev/null || { echo "diff: $s is not installed (tools/deps.sh)" >&2; exit 2; }
done

if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for f in "$CASES"/*.sh; do
		[ -f "$f" ] || continue
		f=${f##*/}
		names+=("${f%.sh}")
	done
fi

declare -A pending=()
bad_pending=()
if [ -f "$PENDING" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in '' | '#'*) continue ;; esac
		n=${line%%[[:space:]#]*}
		r=${line#*#}
		if [ "$r" = "$line" ] || [ -z "${r//[[:space:]]/}" ]; then
			bad_pending+=("$n: no '# reason'")
		elif [ ! -f "$CASES/$n.sh" ]; then
			bad_pending+=("$n: no such case")
		fi
		pending[$n]=${r#"${r%%[![:space:]]*}"}
	done <"$PENDING"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ipcsh-diff.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
printf '%s\n' "${names[@]}" | xargs -P "$JOBS" -n 8 bash "$0" --case "$work"

echo "1..$((${#names[@]} + ${#bad_pending[@]}))"
i=0 npass=0 nfail=0 nskip=0 nfixed=0 nknown=0
fixed=() failed=()
for n in "${names[@]}"; do
	i=$((i + 1))
	res="$work/$n.res"
	if [ ! -f "$CASES/$n.sh" ]; then
		echo "not ok $i $n # no such case: $CASES/$n.sh"
		nfail=$((nfail + 1)) failed+=("$n")
		continue
	fi
	[ -s "$res" ] || echo "error the worker left no result" >"$res"
	read -r kind why <"$res"
	if [ "$kind" = error ]; then
		echo "not ok $i $n # case error: $why"
		tail -n +2 "$res"
		nfail=$((nfail + 1)) failed+=("$n")
	elif [ -n "${pending[$n]+x}" ]; then
		if [ "$kind" = pass ]; then
			echo "ok $i $n # FIXED: passes now, delete it from tests/diff/pending"
			nfixed=$((nfixed + 1)) fixed+=("$n")
		else
			echo "ok $i $n # skip pending: ${pending[$n]}"
			[ $verbose = 0 ] || tail -n +2 "$res"
			nskip=$((nskip + 1))
		fi
	else
		case $kind in
		pass) echo "ok $i $n"; npass=$((npass + 1)) ;;
		known) echo "ok $i $n # skip known-difference: $why"; nknown=$((nknown + 1)) ;;
		fixed) echo "ok $i $n # FIXED: $why"; nfixed=$((nfixed + 1)) fixed+=("$n") ;;
		*)
			echo "not ok $i $n # $why"
			tail -n +2 "$res"
			nfail=$((nfail + 1)) failed+=("$n")
			;;
		esac
	fi
done
for b in "${bad_pending[@]}"; do
	i=$((i + 1))
	echo "not ok $i pending list: $b"
	nfail=$((nfail + 1)) failed+=("pending:${b%%:*}")
done

echo "# diff: ${#names[@]} cases: $npass passed, $nfail failed, $nskip pending, $nknown known differences, $nfixed FIXED"
for n in "${fixed[@]}"; do
	echo "# FIXED: $n passes now: delete it from tests/diff/pending"
done
[ ${#failed[@]} -eq 0 ] || echo "# FAILED: ${failed[*]}"
[ "$nfail" -eq 0 ]
