#!/usr/bin/env bash
# The daemon under fire (part of make stress; run alone with
#   BUILD=build SAN_BUILD=build-san bash tests/stress/daemon-fire.sh
# ). One ipcshd from the sanitized build (ASan+UBSan), on 127.0.0.1, with
# --allow cat,fire-marker, where fire-marker creates the file named by its
# argument: every command a hostile connection could get run leaves a file.
#   1. FIRE_CONNS (20000) hostile connections from FIRE_JOBS (32) workers
#      (tests/helpers/daemon_fire.c): garbage, HTTP, length 2^32-1, wrong
#      key, flipped bits, truncated, replayed and reordered records, wrong
#      mode/version, reflected hello, slow-loris, handshake then silence,
#      and, holding the key: reordered/replayed/tampered frames, commands
#      outside --allow, LD_ variables, no EXEC. Each must be closed within
#      the handshake deadline (FIRE_DEADLINE, 2 s) plus FIRE_SLACK (3 s) for
#      the accept backlog and scheduling on a loaded host, counted from connect.
#   2. No marker, no ASan/UBSan report, the daemon alive, its fd count back
#      to the baseline and its RSS within FIRE_RSS_SLACK_KB (1024) of it.
#   3. FIRE_HONEST (32) concurrent honest sessions x FIRE_MIB (32) MiB through
#      `ipcsh -c 'cat in |[T] @127.0.0.1:PORT cat |[T] cat >out'`, byte-exact,
#      T cycling through the transports.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
SAN_BUILD=${SAN_BUILD:-build-san}
CONNS=${FIRE_CONNS:-20000}
JOBS=${FIRE_JOBS:-32}
DEADLINE=${FIRE_DEADLINE:-2}
SLACK=${FIRE_SLACK:-3}
HONEST=${FIRE_HONEST:-32}
MIB=${FIRE_MIB:-32}
RSS_SLACK=${FIRE_RSS_SLACK_KB:-1024}
IPCSH=$PWD/$BUILD/ipcsh
IPCSHD=$PWD/$SAN_BUILD/ipcshd
FIRE=$PWD/$BUILD/tests/helpers/daemon_fire
for f in "$IPCSH" "$IPCSHD" "$FIRE"; do
	[ -x "$f" ] || { echo "daemon-fire: $f missing (make BUILD=$BUILD all and" \
		"make SANITIZE=address,undefined BUILD=$SAN_BUILD all)" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/ipcsh-fire.XXXXXX") || exit 2
dpid=
cleanup() {
	[ -z "$dpid" ] || kill "$dpid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

mkdir -p "$dir/bin" "$dir/mark" "$dir/home"
export XDG_CONFIG_HOME=$dir/config
"$IPCSH" --keygen -C stress >/dev/null || exit 2
"$IPCSHD" --genkey-host "$dir/hostkey" >/dev/null || exit 2
# shellcheck disable=SC2016 # $1 is for the script
printf '#!/bin/sh\n: >"$1"\n' >"$dir/bin/fire-marker"
chmod 755 "$dir/bin/fire-marker"
root_flag=()
[ "$(id -u)" -ne 0 ] || root_flag=(--allow-root)

# The sanitizers report into the log; sessions are forks of the daemon.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99 \
HOME=$dir/home PATH="$dir/bin:$PATH" \
	"$IPCSHD" --listen 127.0.0.1:0 --host-key "$dir/hostkey" \
	--authorized-keys "$dir/config/ipcsh/id.pub" --allow cat,fire-marker "${root_flag[@]}" \
	--max-sessions 4096 --handshake-timeout "$DEADLINE" 2>"$dir/log" &
dpid=$!
port=
for _ in $(seq 200); do
	port=$(sed -n 's/^ipcshd: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/log")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { cat "$dir/log"; echo "daemon-fire: ipcshd did not start" >&2; exit 1; }
echo "127.0.0.1:$port $(cut -d' ' -f1,2 "$dir/hostkey.pub")" >"$XDG_CONFIG_HOME/ipcsh/known_hosts"

sessions() { pgrep -c -P "$dpid" || true; }
wait_idle() { # until the daemon has no session left (at most 30 s)
	for _ in $(seq 600); do
		[ "$(sessions)" -eq 0 ] && return 0
		sleep 0.05
	done
	return 1
}
fdcount() { find "/proc/$dpid/fd" -mindepth 1 | wc -l; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$dpid/status"; }
sanitizer_reports() { grep -cE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$dir/log"; }

# Warm up (first session, lazily initialised libraries), then the baseline.
echo warm | "$IPCSH" --key "$dir/config/ipcsh/id" -c "@127.0.0.1:$port cat" >/dev/null ||
	fail "warm-up session failed: $(tail -3 "$dir/log")"
wait_idle
fd0=$(fdcount) rss0=$(rss_kb)
ran0=$(grep -cE ': (exit [0-9]+|killed by signal [0-9]+) \(in ' "$dir/log")

echo "== daemon under fire: $CONNS hostile connections (ipcshd from $SAN_BUILD, port $port," \
	"handshake deadline ${DEADLINE}s)"
"$FIRE" -p "$port" -k "$dir/config/ipcsh/id" -m "$dir/mark" -n "$CONNS" -j "$JOBS" -d "$DEADLINE" -S "$SLACK" |
	tee "$dir/fire.out"
fire_rc=${PIPESTATUS[0]}
[ "$fire_rc" -eq 0 ] || fail "a hostile connection was not closed in time or got an answer (status $fire_rc)"
wait_idle || fail "sessions still running 30 s after the hostile connections: $(sessions)"
kill -0 "$dpid" 2>/dev/null || fail "ipcshd died"
fd1=$(fdcount) rss1=$(rss_kb)
# One run is the recording session (fire-marker .../recorded), which the helper checked.
ran=$(( $(grep -cE ': (exit [0-9]+|killed by signal [0-9]+) \(in ' "$dir/log") - ran0 - 1 ))
markers=$(find "$dir/mark" -type f | wc -l)
[ "$markers" -eq 0 ] || fail "commands ran for hostile connections: $(ls "$dir/mark")"
[ "$ran" -eq 0 ] || fail "the daemon logged $ran commands run by hostile connections"
[ "$fd1" -eq "$fd0" ] || fail "ipcshd fd count $fd0 -> $fd1"
[ "$rss1" -le $((rss0 + RSS_SLACK)) ] || fail "ipcshd RSS ${rss0} kB -> ${rss1} kB"
echo "after: commands run by hostile connections: $ran (markers: $markers);" \
	"ipcshd fds $fd0 -> $fd1, RSS ${rss0} kB -> ${rss1} kB; sanitizer reports: $(sanitizer_reports)"

echo "== $HONEST concurrent honest sessions x $MIB MiB through @127.0.0.1:$port cat"
head -c $((MIB << 20)) /dev/urandom >"$dir/in"
# Every transport around the remote stage, but mq only twice: queues come
# from a per-user budget (9 default queues) that root shares with whatever
# else runs on the machine.
ts=(pipe shm sock fifo)
t0=$(date +%s%N)
pids=()
for i in $(seq "$HONEST"); do
	case $i in
	1) t=mq ;;
	2) t=mq:lines ;;
	*) t=${ts[$((i % ${#ts[@]}))]} ;;
	esac
	(cd "$dir" && exec "$IPCSH" --key config/ipcsh/id -c \
		"cat in |[$t] @127.0.0.1:$port cat |[$t] cat >out.$i") 2>"$dir/err.$i" &
	pids+=($!)
done
ok=0
for i in $(seq "$HONEST"); do
	if wait "${pids[$((i - 1))]}" && cmp -s "$dir/in" "$dir/out.$i"; then
		ok=$((ok + 1))
	else
		fail "honest session $i: $(head -c 300 "$dir/err.$i")"
	fi
	rm -f "$dir/out.$i"
done
t1=$(date +%s%N)
wait_idle || fail "honest sessions did not end"
echo "honest: $ok of $HONEST sessions byte-exact, $((ok * MIB)) MiB verified in" \
	"$(( (t1 - t0) / 1000000 )) ms"

kill "$dpid"
wait "$dpid"
drc=$?
dpid=
[ "$drc" -eq 0 ] || fail "ipcshd exited with status $drc on SIGTERM"
reports=$(sanitizer_reports)
[ "$reports" -eq 0 ] || { fail "sanitizer reports in the daemon log:";
	grep -A12 -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$dir/log" | head -60; }
summary=$(tail -1 "$dir/fire.out")
echo
echo "== daemon-fire summary"
echo "  $summary"
echo "  commands_run_by_hostile=$ran markers=$markers fds=$fd0->$fd1 rss_kb=$rss0->$rss1"
echo "  honest_sessions=$ok/$HONEST bytes_verified=$((ok * MIB << 20)) sanitizer_reports=$reports"
echo "daemon-fire: $([ $fails -eq 0 ] && echo PASS || echo FAIL) ($fails failures)"
[ $fails -eq 0 ]
