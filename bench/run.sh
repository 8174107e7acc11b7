#!/usr/bin/env bash
# bench/run.sh — `make bench`: the project's own performance tracking.
#
# Everything is measured in one run on this machine, and reported as ratios
# against references measured in the same run (absolute figures drift up to
# 2x between runs on a shared host; ratios within one run do not):
#   1. ipcsh --bench: every transport, the engine users get (+ remote row)
#   2. launch cost (issue 2): ipcsh -c vs dash -c and bash -c, 4-stage
#      /bin/true pipeline and 50-stage cat chain
#   3. memory (issue 2): the shell's own peak RSS running a script of 10 and
#      of 1,000 pipelines, ipcsh vs dash and bash
#   4. W1 `cat FILE |[T] cat >/dev/null` and W2 `dd bs=4k |[T] dd bs=4k
#      of=/dev/null` (issue 3) per transport vs bash's plain pipe and a raw
#      socketpair, and the cost of --stats
#   5. remote cat through ipcshd vs `ssh 127.0.0.1 cat` (issues 5, 15), with
#      an sshd started here on a free loopback port with its own temp keys:
#      GB/s and CPU-seconds per GB of `head -c 1G /dev/zero | @127.0.0.1 cat
#      | wc -c` against ssh's chacha20-poly1305 and aes128-gcm, each
#      repetition's ratio, and `ipcsh -c '@host true'` against `ssh host true`;
#      and the floor, the same hops with no cipher (bench/tcprelay.c): what
#      a relay with the cipher costs, and the cipher speed 2.5x would need
#   6. scripts (issue 12): the shell language's own speed, bench/scripts/*.sh
#      under dash, bash and ipcsh (loops, function calls, case, while read,
#      trims, loops of |[shm] and |[mq:lines] pipelines) and the shell's RSS
#      over a long loop; ipcsh's figure is "n/a (why)" while it cannot run
#      a script or gives another answer than dash
#   7. libipcsh (issue 18): ring-aware stages on |[shm] vs the best raw pipe
#      C pair (bench/pipepair.c, 1 MiB pipe) and memcpy, 64 KiB and 64-byte
#      records, one ring-aware side vs relayed shm, ring round trips (each
#      batch next to the cache-line floor of the same two vCPUs)
#   8. graphs (issue 17): process substitution, ipcsh vs bash in the same
#      run: a tee >( ) >( ) fan-out and a paste <( ) <( ) fan-in of BYTES,
#      pipe and shm edges, and the launch cost of a two-substitution command
# Timings come from ipcsh's own engine (`ipcsh --bench --time`): each
# command is spawned directly (no shell around it), the commands of a table
# interleaved, a warm-up first, medians reported.
#
# Knobs (environment): BENCH_BYTES (W1/W2 size, default 2G, as issue 3 asks),
# BENCH_ENGINE_BYTES (per --bench run, 256M), BENCH_REMOTE_BYTES (1G),
# BENCH_REPS (7), BENCH_LAUNCH_REPS (300), BENCH_GRAPH_REPS (section 8's, 15),
# BENCH_RING_BYTES (section 7, 8G), BENCH_RING_SMALL (its 64-byte runs, 256M), BENCH_RTT_ROUNDS and
# BENCH_RTT_BATCHES (its round trips: 5 batches of 200000), BENCH_OUT (results directory,
# default $BUILD/bench), BENCH_SKIP (space-separated section numbers),
# BENCH_IPCSH / BENCH_IPCSHD (the binaries; default $BUILD/ipcsh, $BUILD/ipcshd),
# BENCH_TRANSPORTS (section 4's edges; default all eleven),
# BENCH_QUICK=1 (section 6 with 10x fewer iterations), BENCH_SCRIPT_REPS (5),
# BENCH_SCRIPT_SCALE (divide section 6's iterations by this; BENCH_QUICK is 10).
# Results: the report on stdout and in $BENCH_OUT/results.md, the chart in
# $BENCH_OUT/transports.svg.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
IPCSH=${BENCH_IPCSH:-$PWD/$BUILD/ipcsh}
IPCSHD=${BENCH_IPCSHD:-$PWD/$BUILD/ipcshd}
BYTES=${BENCH_BYTES:-2G}
ENGINE_BYTES=${BENCH_ENGINE_BYTES:-256M}
REMOTE_BYTES=${BENCH_REMOTE_BYTES:-1G}
REPS=${BENCH_REPS:-7}
RING_BYTES=${BENCH_RING_BYTES:-8G}
RING_SMALL=${BENCH_RING_SMALL:-256M}
PIPEPAIR=${BENCH_PIPEPAIR:-$PWD/$BUILD/bench/pipepair}
LAUNCH_REPS=${BENCH_LAUNCH_REPS:-300}
GRAPH_REPS=${BENCH_GRAPH_REPS:-15}
OUT=${BENCH_OUT:-$BUILD/bench}
SKIP=" ${BENCH_SKIP:-} "
TRANSPORTS=${BENCH_TRANSPORTS:-pipe fifo sock mq shm msg sysvshm mmap dgram seqpacket tcp}

[ -x "$IPCSH" ] || { echo "bench: $IPCSH is not built (make all)" >&2; exit 2; }
mkdir -p "$OUT" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipcsh-bench.XXXXXX") || exit 2
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bytes N: a size with K/M/G suffix in bytes.
bytes() {
	local n=${1%[KMGkmg]} s=${1: -1}
	case $s in
	K | k) echo $((n << 10)) ;; M | m) echo $((n << 20)) ;; G | g) echo $((n << 30)) ;; *) echo "$1" ;;
	esac
}
NBYTES=$(bytes "$BYTES")
NREMOTE=$(bytes "$REMOTE_BYTES")

# timeit NAME REPS -- LABEL ARGV... ::: LABEL ARGV...: csv in $tmp/NAME.csv.
timeit() {
	local name=$1 reps=$2
	shift 3
	"$IPCSH" --bench --time --reps "$reps" --warmup 1 -- "$@" >"$tmp/$name.csv" ||
		echo "bench: some $name runs failed (status column of $tmp/$name.csv):" >&2
}
# get NAME LABEL COLUMN: one field of a timeit csv.
get() {
	awk -F, -v l="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == l { print $h[c] }' "$tmp/$1.csv"
}
# paired NAME BASE LABEL: the median over the repetitions of BASE's wall time
# over LABEL's in the same repetition (timeit runs the rows of a repetition
# back to back, alternating their order), so that what the host did in one
# repetition weighs on both sides of its ratio; then the quartiles.
paired() {
	paste -d' ' <(get "$1" "$2" runs_ms | tr ' ' '\n') <(get "$1" "$3" runs_ms | tr ' ' '\n') |
		awk '$1 > 0 && $2 > 0 { print $1 / $2 }' | sort -g |
		awk 'function q(f, i) { i = f * (NR - 1) + 1; return v[int(i)] + (i - int(i)) * (v[int(i) + 1] - v[int(i)]) }
		{ v[NR] = $1 } END { if (NR) printf "%.2f %.2f %.2f", q(0.5), q(0.25), q(0.75); else printf "n/a n/a n/a" }'
}
# ratio A B [PREC]: A/B.
ratio() { awk -v a="$1" -v b="$2" -v p="${3:-2}" 'BEGIN { if (a > 0 && b > 0) printf "%.*f", p, a / b; else printf "n/a" }'; }
# gbps NBYTES MS
gbps() { awk -v n="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.2f", n / ms / 1e6; else printf "n/a" }'; }
# mark VALUE OP TARGET: "ok" or "MISSED" against a target ratio.
mark() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "n/a") print "n/a";
	else if ((op == ">=" && v + 0 >= t) || (op == "<=" && v + 0 <= t)) print "ok"; else print "MISSED" }'; }
skip() { [[ $SKIP == *" $1 "* ]]; }
q() { printf '%q' "$1"; }

machine() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	echo "# ipcsh benchmarks"
	echo
	echo "- machine: ${cpu:-unknown CPU}, $(nproc) cores, $(uname -srm), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- ipcsh $("$IPCSH" --version | cut -d' ' -f2) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)), $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- W1/W2 size $BYTES, remote size $REMOTE_BYTES, $REPS repetitions (medians), launch $LAUNCH_REPS"
	echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
	echo
}

# The daemon for the remote rows: a temp user key (admitted) and host key
# (pinned), a free port, the same user.
start_ipcshd() {
	[ -x "$IPCSHD" ] || return 1
	export XDG_CONFIG_HOME=$tmp/config
	"$IPCSH" --keygen -C bench >/dev/null || return 1
	"$IPCSHD" --genkey-host "$tmp/hostkey" >/dev/null || return 1
	local root=() i
	[ "$(id -u)" != 0 ] || root=(--allow-root)
	: >"$tmp/ipcshd.err" # exists before the daemon's own redirection runs
	"$IPCSHD" --listen 127.0.0.1:0 --host-key "$tmp/hostkey" \
		--authorized-keys "$tmp/config/ipcsh/id.pub" --quiet "${root[@]}" </dev/null >/dev/null 2>>"$tmp/ipcshd.err" 4>&- &
	pids+=($!)
	for ((i = 0; i < 200; i++)); do
		RPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/ipcshd.err")
		if [ -n "$RPORT" ]; then
			echo "127.0.0.1:$RPORT $(cut -d' ' -f1,2 "$tmp/hostkey.pub")" \
				>"$XDG_CONFIG_HOME/ipcsh/known_hosts"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

section_engine() {
	echo "## 1. ipcsh --bench (every transport, exec'd stages and relays, bytes verified)"
	echo
	local remote=()
	[ -z "${RPORT:-}" ] || remote=(--remote "127.0.0.1:$RPORT" --key "$tmp/config/ipcsh/id")
	echo '```'
	"$IPCSH" --bench --bytes "$ENGINE_BYTES" --reps "$REPS" --chart "$OUT/transports.svg" "${remote[@]}"
	echo '```'
	echo
	echo "Chart: $OUT/transports.svg"
	echo
}

section_launch() {
	echo "## 2. Launch cost (issue 2): \`SHELL -c PIPELINE\`, median wall ms"
	echo
	local s4='/bin/true | /bin/true | /bin/true | /bin/true' s50 i
	s50='cat /dev/null'
	for ((i = 1; i < 50; i++)); do s50+=' | cat'; done
	timeit launch4 "$LAUNCH_REPS" -- dash dash -c "$s4" ::: bash bash -c "$s4" ::: ipcsh "$IPCSH" -c "$s4"
	timeit launch50 $((LAUNCH_REPS / 6 + 1)) -- dash dash -c "$s50" ::: bash bash -c "$s50" ::: ipcsh "$IPCSH" -c "$s50"
	echo "| pipeline | dash | bash | ipcsh | ipcsh/dash | ipcsh/bash | target (ipcsh/dash) | fastest runs ipcsh/dash | CPU ms dash / bash / ipcsh |"
	echo "|---|---|---|---|---|---|---|---|---|"
	local w n what t d b p r
	for w in "launch4|4-stage /bin/true|1.15" "launch50|50-stage cat|1.0"; do
		IFS='|' read -r n what t <<<"$w"
		d=$(get "$n" dash median_ms) b=$(get "$n" bash median_ms) p=$(get "$n" ipcsh median_ms)
		r=$(ratio "$p" "$d")
		echo "| $what | $d | $b | $p | $r | $(ratio "$p" "$b") | <= $t: $(mark "$r" "<=" "$t") |" \
			"$(ratio "$(get "$n" ipcsh min_ms)" "$(get "$n" dash min_ms)") |" \
			"$(get "$n" dash cpu_ms) / $(get "$n" bash cpu_ms) / $(get "$n" ipcsh cpu_ms) |"
	done
	echo
}

# vm SHELL... SCRIPT: the shell's own "VmHWM VmRSS" (kB) at each status line.
vm() {
	"$@" | awk '/^VmHWM/ { h = $2 } /^VmRSS/ { print h + 0, $2 + 0 }'
}

section_memory() {
	echo "## 3. Memory (issue 2): the shell's own RSS running a script"
	echo
	local i status='grep -E "^Vm(HWM|RSS)" /proc/$$/status'
	# A child reads the shell's status: the same line works in all three.
	{ for ((i = 0; i < 10; i++)); do echo '/bin/true | /bin/true'; done; echo "$status"; } >"$tmp/p10.sh"
	# 1,000 pipelines, with a reading after the 10th and after the last: the
	# same parsed script, so any growth between them is per pipeline run.
	{
		for ((i = 0; i < 1000; i++)); do
			echo '/bin/true | /bin/true'
			[ "$i" != 9 ] || echo "$status"
		done
		echo "$status"
	} >"$tmp/p1000.sh"
	echo "| shell | peak RSS (VmHWM), 10-pipeline script | 1,000-pipeline script: VmRSS after the 10th | after the 1,000th | growth | VmHWM |"
	echo "|---|---|---|---|---|---|"
	local sh cmd h10 r a b h
	declare -A peak peak1k
	for sh in dash bash ipcsh; do
		cmd=("$sh")
		[ "$sh" != ipcsh ] || cmd=("$IPCSH")
		read -r h10 r < <(vm "${cmd[@]}" "$tmp/p10.sh")
		{ read -r _ a; read -r h b; } < <(vm "${cmd[@]}" "$tmp/p1000.sh")
		peak[$sh]=$h10 peak1k[$sh]=$h
		echo "| $sh | $h10 kB | $a kB | $b kB | $((b - a)) kB | $h kB |"
	done
	local rb
	rb=$(ratio "${peak[ipcsh]}" "${peak[bash]}")
	echo
	echo "ipcsh/bash peak RSS (10-pipeline script): $rb (target <= 1.0: $(mark "$rb" "<=" 1.0)); ipcsh/dash: $(ratio "${peak[ipcsh]}" "${peak[dash]}")"
	echo "ipcsh/bash peak RSS (1,000-pipeline script, parsed whole before it runs): $(ratio "${peak1k[ipcsh]}" "${peak1k[bash]}")"
	echo
}

# W1/W2 runs of every transport: NAME PRODUCER CONSUMER (shell text, the
# consumer's stdout on /dev/null), then the same two as plain words for the
# raw socketpair (its stdout is /dev/null already).
transport_runs() {
	local name=$1 prod=$2 cons=$3 t args=() rp rc
	read -ra rp <<<"$4"
	read -ra rc <<<"$5"
	args=(bash bash -c "$prod | $cons" ::: raw-sock "$IPCSH" --bench --raw sock "${rp[@]}" "|" "${rc[@]}")
	# What one copying hop costs by itself: bash's pipeline with a cat in
	# the middle (a relayed edge has two such hops, and a ring between).
	args+=(::: bash-cat bash -c "$prod | cat | $cons")
	# The tcp edge's reference: the same two programs on a plain loopback
	# TCP connection (bench/tcpref.c).
	[ -x "$tmp/tcpref" ] && args+=(::: raw-tcp "$tmp/tcpref" "${rp[@]}" "|" "${rc[@]}")
	for t in $TRANSPORTS; do
		args+=(::: "$t" "$IPCSH" -c "exec 2>/dev/null; $prod |[$t] $cons")
		args+=(::: "$t+stats" "$IPCSH" --stats -c "exec 2>/dev/null; $prod |[$t] $cons")
	done
	timeit "$name" "$REPS" -- "${args[@]}"
}

section_transports() {
	echo "## 4. Transports on real programs (issue 3), $BYTES"
	echo
	${CC:-cc} -O2 -o "$tmp/tcpref" bench/tcpref.c 2>/dev/null ||
		echo "(bench/tcpref.c did not build: no raw TCP reference)"
	local f="$tmp/w1.data"
	head -c "$NBYTES" /dev/zero >"$f" || return
	local count=$((NBYTES / 4096))
	local dd1="dd if=/dev/zero bs=4k count=$count status=none" dd2="dd bs=4k of=/dev/null status=none"
	transport_runs w1 "cat $(q "$f")" "cat >/dev/null" "cat $f" cat
	transport_runs w2 "$dd1" "$dd2" "$dd1" "$dd2"
	rm -f "$f"
	echo "W1 = \`cat FILE |[T] cat >/dev/null\`, W2 = \`dd if=/dev/zero bs=4k |[T] dd bs=4k of=/dev/null\`;"
	echo "GB/s = $BYTES / median wall time of the whole command (start-up included). Baselines: bash's"
	echo "plain pipe (\`bash -c 'A | B'\`), the same with a \`cat\` in the middle (what one copying hop"
	echo "costs: a relayed edge has two), a raw socketpair and a raw loopback TCP connection"
	echo "(bench/tcpref.c) between the two programs (no shell)."
	echo
	echo "| edge | W1 GB/s | W1 vs bash | W1 vs raw socketpair | W2 GB/s | W2 vs bash | W2 vs raw socketpair | vs bash, fastest runs W1 / W2 | --stats time ratio W1 / W2 | peak RSS (W1 job) | target |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	local w t ms1 ms2 b1 b2 s1 s2 r1 r2 tgt
	b1=$(get w1 bash median_ms) b2=$(get w2 bash median_ms)
	s1=$(get w1 raw-sock median_ms) s2=$(get w2 raw-sock median_ms)
	# Fastest runs: on a busy host the minimum is the steadier estimate.
	local f1 f2
	f1=$(get w1 bash min_ms) f2=$(get w2 bash min_ms)
	echo "| bash pipe | $(gbps "$NBYTES" "$b1") | 1.00 | $(ratio "$s1" "$b1") | $(gbps "$NBYTES" "$b2") | 1.00 | $(ratio "$s2" "$b2") | 1.00 / 1.00 | | $(get w1 bash maxrss_kib) KiB | |"
	echo "| raw socketpair | $(gbps "$NBYTES" "$s1") | $(ratio "$b1" "$s1") | 1.00 | $(gbps "$NBYTES" "$s2") | $(ratio "$b2" "$s2") | 1.00 | $(ratio "$f1" "$(get w1 raw-sock min_ms)") / $(ratio "$f2" "$(get w2 raw-sock min_ms)") | | $(get w1 raw-sock maxrss_kib) KiB | |"
	local t1 t2
	t1=$(get w1 raw-tcp median_ms) t2=$(get w2 raw-tcp median_ms)
	local c1 c2
	c1=$(get w1 bash-cat median_ms) c2=$(get w2 bash-cat median_ms)
	echo "| bash pipe with a cat in the middle | $(gbps "$NBYTES" "$c1") | $(ratio "$b1" "$c1") | $(ratio "$s1" "$c1") | $(gbps "$NBYTES" "$c2") | $(ratio "$b2" "$c2") | $(ratio "$s2" "$c2") | $(ratio "$f1" "$(get w1 bash-cat min_ms)") / $(ratio "$f2" "$(get w2 bash-cat min_ms)") | | $(get w1 bash-cat maxrss_kib) KiB | |"
	[ -z "$t1" ] || echo "| raw TCP loopback (bench/tcpref.c) | $(gbps "$NBYTES" "$t1") | $(ratio "$b1" "$t1") | $(ratio "$s1" "$t1") | $(gbps "$NBYTES" "$t2") | $(ratio "$b2" "$t2") | $(ratio "$s2" "$t2") | | | $(get w1 raw-tcp maxrss_kib) KiB | |"
	for t in $TRANSPORTS; do
		ms1=$(get w1 "$t" median_ms) ms2=$(get w2 "$t" median_ms)
		r1=$(ratio "$b1" "$ms1") r2=$(ratio "$b2" "$ms2")
		case $t in
		pipe) tgt="W1 >= 1.0x bash: $(mark "$r1" ">=" 1.0), W2 >= 1.3x: $(mark "$r2" ">=" 1.3)" ;;
		sock) tgt=">= 0.9x raw socketpair: $(mark "$(ratio "$s1" "$ms1")" ">=" 0.9)/$(mark "$(ratio "$s2" "$ms2")" ">=" 0.9)" ;;
		shm) tgt=">= 0.8x bash: $(mark "$r1" ">=" 0.8)/$(mark "$r2" ">=" 0.8)" ;;
		mq) tgt=">= 0.5x bash: $(mark "$r1" ">=" 0.5)/$(mark "$r2" ">=" 0.5)" ;;
		msg) tgt=">= 0.5x bash: $(mark "$r1" ">=" 0.5)/$(mark "$r2" ">=" 0.5); >= 0.9x mq: $(mark "$(ratio "$(get w1 mq median_ms)" "$ms1")" ">=" 0.9)/$(mark "$(ratio "$(get w2 mq median_ms)" "$ms2")" ">=" 0.9)" ;;
		sysvshm | mmap) tgt=">= 0.8x bash: $(mark "$r1" ">=" 0.8)/$(mark "$r2" ">=" 0.8); >= 0.9x shm: $(mark "$(ratio "$(get w1 shm median_ms)" "$ms1")" ">=" 0.9)/$(mark "$(ratio "$(get w2 shm median_ms)" "$ms2")" ">=" 0.9)" ;;
		dgram | seqpacket) tgt="W2 >= 0.9x sock: $(mark "$(ratio "$(get w2 sock median_ms)" "$ms2")" ">=" 0.9)" ;;
		tcp) tgt=">= 0.9x raw TCP: $(mark "$(ratio "$(get w1 raw-tcp median_ms)" "$ms1")" ">=" 0.9)/$(mark "$(ratio "$(get w2 raw-tcp median_ms)" "$ms2")" ">=" 0.9)" ;;
		*) tgt="--" ;;
		esac
		local st1 st2
		st1=$(ratio "$(get w1 "$t+stats" median_ms)" "$ms1") st2=$(ratio "$(get w2 "$t+stats" median_ms)" "$ms2")
		tgt+="; --stats <= 1.10x: $(mark "$st1" "<=" 1.10)/$(mark "$st2" "<=" 1.10)"
		echo "| $t | $(gbps "$NBYTES" "$ms1") | $r1 | $(ratio "$s1" "$ms1") | $(gbps "$NBYTES" "$ms2") | $r2 | $(ratio "$s2" "$ms2") | $(ratio "$f1" "$(get w1 "$t" min_ms)") / $(ratio "$f2" "$(get w2 "$t" min_ms)") | $st1 / $st2 | $(get w1 "$t" maxrss_kib) KiB | $tgt |"
	done
	echo
	echo "Spread (min..max ms, W1): $(awk -F, 'NR > 1 { printf "%s %s..%s; ", $1, $4, $5 }' "$tmp/w1.csv")"
	echo
	section_placement "$dd1" "$dd2"
}

# W2 with the two dd pinned (taskset) to one vCPU or to two, with a pipe of
# bash's size (64K) and ipcsh's (1M): what the W2 ratio depends on.
section_placement() {
	local dd1=$1 dd2=$2 sz args=() a b
	if ! command -v taskset >/dev/null || [ "$(nproc)" -lt 2 ]; then
		echo "(W2 placement: skipped, needs taskset and 2 CPUs)"
		echo
		return
	fi
	for sz in 64K 1M; do
		[ ${#args[@]} -eq 0 ] || args+=(:::)
		args+=("free-$sz" "$IPCSH" -c "$dd1 |[pipe:size=$sz] $dd2")
		args+=(::: "one-$sz" "$IPCSH" -c "taskset -c 0 $dd1 |[pipe:size=$sz] taskset -c 0 $dd2")
		args+=(::: "two-$sz" "$IPCSH" -c "taskset -c 0 $dd1 |[pipe:size=$sz] taskset -c 1 $dd2")
	done
	timeit place "$REPS" -- "${args[@]}"
	local base
	base=$(get place free-64K median_ms)
	echo "W2 placement: the same \`dd bs=4k | dd bs=4k\`, $BYTES, pipe edges of bash's size (64K) and"
	echo "ipcsh's (1M), the two dd left to the scheduler, pinned to one vCPU, or pinned to two;"
	echo "ratio = the time of free-64K (bash's case) over the row's."
	echo
	echo "| pipe | free GB/s | free | one vCPU GB/s | one vCPU | two vCPUs GB/s | two vCPUs |"
	echo "|---|---|---|---|---|---|---|"
	for sz in 64K 1M; do
		a=$(get place "one-$sz" median_ms) b=$(get place "two-$sz" median_ms)
		echo "| $sz | $(gbps "$NBYTES" "$(get place "free-$sz" median_ms)") | $(ratio "$base" "$(get place "free-$sz" median_ms)") | $(gbps "$NBYTES" "$a") | $(ratio "$base" "$a") | $(gbps "$NBYTES" "$b") | $(ratio "$base" "$b") |"
	done
	echo
}

# An sshd of our own on a free loopback port, keys in $tmp/ssh.
start_sshd() {
	local d="$tmp/ssh" port i
	command -v ssh >/dev/null && [ -x /usr/sbin/sshd ] || return 1
	mkdir -p "$d" && chmod 700 "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/host" && ssh-keygen -q -t ed25519 -N '' -f "$d/id" || return 1
	cp "$d/id.pub" "$d/authorized_keys"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || return 1
	cat >"$d/sshd_config" <<-EOF
		Port $port
		ListenAddress 127.0.0.1
		HostKey $d/host
		AuthorizedKeysFile $d/authorized_keys
		PidFile $d/sshd.pid
		StrictModes no
		UsePAM no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PermitRootLogin prohibit-password
	EOF
	# sshd running as root wants its privilege-separation directory.
	[ "$(id -u)" != 0 ] || [ -d /run/sshd ] || mkdir -m 755 /run/sshd
	/usr/sbin/sshd -D -e -f "$d/sshd_config" </dev/null >/dev/null 2>"$d/log" 4>&- &
	pids+=($!)
	SSH=(ssh -F /dev/null -p "$port" -i "$d/id" -o IdentitiesOnly=yes -o BatchMode=yes
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o Compression=no)
	for ((i = 0; i < 100; i++)); do
		"${SSH[@]}" 127.0.0.1 true 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$d/log" >&2
	return 1
}

# cpu_ticks PID: the CPU of PID and of its reaped children, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# remote_once LABEL SERVER_PID ARGV...: run ARGV once (a pipeline that ends
# in `wc -c >$tmp/remote.count`); appends "LABEL wall_ms client_cpu_ms
# server_cpu_ms" to $tmp/remote.runs. The server's CPU is the growth of its
# own and its reaped children's (the session, the remote `cat`), read once
# it has reaped them.
remote_once() {
	local label=$1 spid=$2 s0 s1 line i
	shift 2
	s0=$(cpu_ticks "$spid")
	rm -f "$tmp/remote.count"
	line=$("$IPCSH" --bench --time --reps 1 --warmup 0 -- "$label" "$@" | awk -F, 'NR == 2 { print $3, $6, $8 }')
	for ((i = 0; i < 300; i++)); do
		# (a file of /proc has no size: read it)
		[ -n "$(cat "/proc/$spid/task/$spid/children" 2>/dev/null)" ] || break
		sleep 0.01
	done
	s1=$(cpu_ticks "$spid")
	local wall cpu st
	read -r wall cpu st <<<"$line"
	if [ "${st:-1}" != 0 ] || [ "$(cat "$tmp/remote.count" 2>/dev/null)" != "$NREMOTE" ]; then
		echo "bench: $label: a run failed or lost bytes" >&2
		return 1
	fi
	echo "$label $wall $cpu $(((s1 - s0) * 1000 / CLK_TCK))" >>"$tmp/remote.runs"
}

# rcol LABEL N: column N (2 wall, 3 client CPU, 4 server CPU) of LABEL's runs.
rcol() { awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$tmp/remote.runs"; }
rmedian() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "" }'; }
# cpu_per_gb LABEL: median (client + server) CPU-seconds per GB.
cpu_per_gb() {
	awk -v l="$1" -v n="$NREMOTE" '$1 == l { printf "%.2f\n", ($3 + $4) / 1000 / (n / 1e9) }' "$tmp/remote.runs" | rmedian
}

section_remote() {
	local N="head -c $REMOTE_BYTES /dev/zero"
	echo "## 5. Remote stage (issue 15): \`$N | @127.0.0.1 cat | wc -c\` vs \`ssh 127.0.0.1 cat\`"
	echo
	if [ -z "${RPORT:-}" ]; then
		echo "skipped: ipcshd is not built or did not start"
		echo
		return
	fi
	CLK_TCK=$(getconf CLK_TCK)
	local key="$tmp/config/ipcsh/id" at="@127.0.0.1:$RPORT" cnt
	cnt="wc -c >$(q "$tmp/remote.count")"
	local dpid=${pids[0]} spid='' s='' r labels=(ipcshd ipcshd-chacha ipcshd-bash)
	if start_sshd; then
		spid=${pids[${#pids[@]} - 1]} s=$(printf '%q ' "${SSH[@]}")
		labels+=(ssh-chacha20 ssh-aes128gcm)
	else
		echo "(no sshd could be started: ssh rows skipped)"
	fi
	# The floor: the same hops with no cipher (bench/tcprelay.c).
	local fpid='' fport=''
	if ${CC:-cc} -O2 -pthread -o "$tmp/tcprelay" bench/tcprelay.c 2>/dev/null; then
		"$tmp/tcprelay" server "$tmp/tcprelay.port" cat </dev/null >/dev/null 2>&1 4>&- &
		pids+=($!)
		for ((r = 0; r < 100; r++)); do
			fport=$(cat "$tmp/tcprelay.port" 2>/dev/null) && [ -n "$fport" ] && break
			sleep 0.05
		done
		[ -z "$fport" ] || { fpid=${pids[${#pids[@]} - 1]}; labels+=(plain-relay); }
	fi
	[ -n "$fpid" ] || echo "(bench/tcprelay.c did not build or start: no plaintext floor)"
	: >"$tmp/remote.runs"
	# Interleaved: each repetition runs every row once, a warm-up first.
	for ((r = 0; r <= REPS; r++)); do
		if [ -n "$fpid" ]; then
			remote_once plain-relay "$fpid" bash -c "$N | $(q "$tmp/tcprelay") client $fport | $cnt" || return
		fi
		remote_once ipcshd "$dpid" "$IPCSH" --key "$key" -c "$N | $at cat | $cnt" &&
		remote_once ipcshd-chacha "$dpid" env IPCSH_CIPHERS=chachapoly "$IPCSH" --key "$key" -c "$N | $at cat | $cnt" &&
		remote_once ipcshd-bash "$dpid" bash -c "$N | $(q "$IPCSH") --key $(q "$key") -c '$at cat' | $cnt" || return
		if [ -n "$spid" ]; then
			remote_once ssh-chacha20 "$spid" bash -c "$N | $s -c chacha20-poly1305@openssh.com 127.0.0.1 cat | $cnt" &&
			remote_once ssh-aes128gcm "$spid" bash -c "$N | $s -c aes128-gcm@openssh.com 127.0.0.1 cat | $cnt" || return
		fi
		[ "$r" -gt 0 ] || : >"$tmp/remote.runs"
	done
	echo "$REPS repetitions, interleaved (a warm-up first); GB/s and CPU of the medians; CPU-s/GB ="
	echo "the CPU of the whole job (client side: the shell, \`head\`, the client, \`wc\`; server side: the"
	echo "session and the remote \`cat\`, as its daemon's reaped children) per GB moved. Wall-clock"
	echo "ratios swing with the load of a shared host; CPU-s/GB hardly does."
	echo
	echo "| path | GB/s | CPU-s/GB | client CPU-s | server CPU-s |"
	echo "|---|---|---|---|---|"
	local l desc w
	for l in "${labels[@]}"; do
		case $l in
		ipcshd) desc="ipcsh: \`$N \\| @127.0.0.1 cat \\| wc -c\` (AES-256-GCM)" ;;
		ipcshd-chacha) desc="the same, ChaCha20-Poly1305 (\`IPCSH_CIPHERS=chachapoly\`)" ;;
		ipcshd-bash) desc="the same under bash: \`$N \\| ipcsh -c '@127.0.0.1 cat' \\| wc -c\`" ;;
		ssh-chacha20) desc="bash: \`$N \\| ssh -c chacha20-poly1305 127.0.0.1 cat \\| wc -c\` (ssh's default)" ;;
		ssh-aes128gcm) desc="the same, \`-c aes128-gcm@openssh.com\` (ssh's fastest)" ;;
		plain-relay) desc="the floor: the same hops, no cipher (bench/tcprelay.c under bash)" ;;
		esac
		w=$(rcol "$l" 2 | rmedian)
		echo "| $desc | $(gbps "$NREMOTE" "$w") | $(cpu_per_gb "$l") | $(seconds "$(rcol "$l" 3 | rmedian)") | $(seconds "$(rcol "$l" 4 | rmedian)") |"
	done
	echo
	if [ -n "$spid" ]; then
		local c a i per_c per_a rc ra cc ca
		i=$(rcol ipcshd 2 | rmedian) c=$(rcol ssh-chacha20 2 | rmedian) a=$(rcol ssh-aes128gcm 2 | rmedian)
		rc=$(ratio "$c" "$i") ra=$(ratio "$a" "$i")
		cc=$(ratio "$(cpu_per_gb ssh-chacha20)" "$(cpu_per_gb ipcshd)")
		ca=$(ratio "$(cpu_per_gb ssh-aes128gcm)" "$(cpu_per_gb ipcshd)")
		# Each repetition's own ratio (the rows of one repetition ran back to back).
		per_c=$(paste -d' ' <(rcol ssh-chacha20 2) <(rcol ipcshd 2) | awk '{ printf "%s%.2f", sep, $1 / $2; sep = " " }')
		per_a=$(paste -d' ' <(rcol ssh-aes128gcm 2) <(rcol ipcshd 2) | awk '{ printf "%s%.2f", sep, $1 / $2; sep = " " }')
		echo "| ipcsh vs | wall-clock, medians | each repetition | CPU-s/GB | target (wall-clock) |"
		echo "|---|---|---|---|---|"
		echo "| ssh chacha20-poly1305 | $rc | $per_c | $cc | >= 2.5: $(mark "$rc" ">=" 2.5) |"
		echo "| ssh aes128-gcm | $ra | $per_a | $ca | >= 1.5: $(mark "$ra" ">=" 1.5) |"
		echo
		# Latency: a command that does nothing, start to exit.
		timeit rtrue "$((REPS * 3))" -- ipcsh "$IPCSH" --key "$key" -c "$at true" ::: ssh "${SSH[@]}" 127.0.0.1 true
		local ti ts
		ti=$(get rtrue ipcsh median_ms) ts=$(get rtrue ssh median_ms)
		echo "\`ipcsh -c '@127.0.0.1 true'\` start to exit: $ti ms (median of $((REPS * 3)); CPU $(get rtrue ipcsh cpu_ms) ms),"
		echo "\`ssh 127.0.0.1 true\`: $ts ms (CPU $(get rtrue ssh cpu_ms) ms); ipcsh/ssh $(ratio "$ti" "$ts")"
		echo "(target <= 1.0: $(mark "$(ratio "$ti" "$ts")" "<=" 1.0))."
		echo
	fi
	echo "- load average after section 5: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
	echo
	# The cipher's own ceiling: remote cat seals and opens every byte twice.
	local cr push pull gs go cs co
	cr=$("$IPCSH" --bench --crypto 1G 256K) || return
	v() { awk -F, -v k="$1" '$1 == k { print $2 }' <<<"$cr"; }
	gs=$(v aesgcm-seal) go=$(v aesgcm-open) cs=$(v chachapoly-seal) co=$(v chachapoly-open)
	push=$(v secretstream-v1-push) pull=$(v secretstream-v1-pull)
	echo "Cipher on one core (\`ipcsh --bench --crypto 1G 256K\`, the record layer's own calls): AES-256-GCM"
	echo "seal $gs, open $go GB/s; ChaCha20-Poly1305 seal $cs, open $co; version 1's secretstream push $push,"
	echo "pull $pull. The remote stage uses AES-256-GCM where both ends have hardware AES (\`ipcsh -x\` shows it)."
	if [ "$gs" != n/a ]; then
		push=$gs pull=$go
	else
		push=$cs pull=$co
	fi
	echo "Remote \`cat\` seals and opens every byte twice, so that cipher alone needs"
	echo "$(awk -v a="$push" -v b="$pull" 'BEGIN { printf "%.2f", 2 / a + 2 / b }') CPU-s per GB: with nothing else to do the $(nproc) vCPUs"
	echo "could move at most $(awk -v a="$push" -v b="$pull" -v n="$(nproc)" 'BEGIN { printf "%.2f", n / (2 / a + 2 / b) }') GB/s through it."
	if [ -n "$fpid" ] && [ -n "$spid" ]; then
		# The bound: the floor's copies plus the cipher's four passes is
		# what a relay encrypting these hops costs; what the 2.5x target
		# leaves for the cipher, and the speed that would take.
		local fl least sc left
		fl=$(cpu_per_gb plain-relay) sc=$(cpu_per_gb ssh-chacha20)
		least=$(awk -v f="$fl" -v a="$push" -v b="$pull" 'BEGIN { printf "%.2f", f + 2 / a + 2 / b }')
		left=$(awk -v s="$sc" -v f="$fl" 'BEGIN { printf "%.2f", s / 2.5 - f }')
		echo "The floor (no cipher) costs $fl CPU-s per GB and runs at $(ratio "$(rcol ssh-chacha20 2 | rmedian)" "$(rcol plain-relay 2 | rmedian)")x ssh chacha20-poly1305"
		echo "by the clock. With the cipher's four passes a relay on these hops costs about $least CPU-s"
		echo "per GB (ipcsh: $(cpu_per_gb ipcshd)), $(ratio "$sc" "$least")x less than ssh chacha20-poly1305 (ipcsh: $(ratio "$sc" "$(cpu_per_gb ipcshd)")x). At 2.5x, the"
		echo "four passes would have $left CPU-s per GB: a cipher of $(awk -v l="$left" 'BEGIN { if (l > 0) printf "%.1f GB/s", 4 / l; else printf "infinite speed" }') a core."
	fi
	echo
}

# run_script_once SHELL SCRIPT ARGS...: run a script once; prints
# "ok OUTPUT" or "fail WHY" (status and first stderr line).
run_script_once() {
	local out err rc
	out=$(timeout 600 "$@" 2>"$tmp/script.err" </dev/null)
	rc=$?
	err=$(head -n 1 "$tmp/script.err")
	# The message without its "ipcsh: FILE: line N:" prefix.
	[[ $err =~ line\ [0-9]+:\ (.*)$ ]] && err=${BASH_REMATCH[1]}
	err=${err%% (*}
	[ ${#err} -le 60 ] || err="${err:0:57}..."
	if [ "$rc" -ne 0 ]; then
		echo "fail status $rc${err:+: $err}"
	else
		echo "ok $(printf '%s' "$out" | tr '\n' ' ')"
	fi
}

# cell TEXT: TEXT fit for a markdown table cell.
cell() { local t=${1//|/\\|}; printf '%s' "${t//$'\n'/ }"; }

# seconds MS: milliseconds as seconds with 3 decimals.
seconds() { awk -v ms="$1" 'BEGIN { if (ms > 0) printf "%.3f", ms / 1000; else printf "n/a" }'; }

section_scripts() {
	local scale=${BENCH_SCRIPT_SCALE:-1} reps=${BENCH_SCRIPT_REPS:-5} d=bench/scripts
	[ -z "${BENCH_QUICK:-}" ] || [ -n "${BENCH_SCRIPT_SCALE:-}" ] || scale=10
	local loops=$((1000000 / scale)) calls=$((100000 / scale)) words=$((100000 / scale))
	local lines=$((100000 / scale)) trims=$((100000 / scale)) pipes=$((10000 / scale))
	local rss_n=$((100000 / scale)) rss_early=$((1000 / scale))
	echo "## 6. Scripts (issue 12): the shell language itself, \`SHELL bench/scripts/NAME.sh\`, median wall s"
	echo
	# Inputs: words that hit each case branch, lines for read.
	seq "$words" | awk '{ printf "%s%d\n", substr("abxqz", $1 % 5 + 1, 1), $1 }' >"$tmp/words"
	seq "$lines" | awk '{ print "line " $1 " of a file read by while read -r" }' >"$tmp/lines"
	seq 1000 | awk '{ printf "%s%d\n", substr("abxqz", $1 % 5 + 1, 1), $1 }' >"$tmp/words.small"
	# dash and bash run the transport script with plain pipes.
	sed -E 's/(^|[^|])\|\[[a-z][a-z0-9]*(:[^]]*)?\]/\1|/g' "$d/pipes.sh" >"$tmp/pipes-plain.sh"
	# Per script: what it does, its argument, and a small argument for the
	# answer check.
	local names=(loop func case read trim pipes) name plain ref got args_t=() pm dm bm r ipc rss cr
	declare -A what=() arg=() small=() why=()
	what[loop]="\`while [ \"\$i\" -lt N ]; do i=\$((i+1)); done\`, $loops iterations"
	what[func]="$calls calls of a small function"
	what[case]="\`case\` over $words words"
	what[read]="\`while read -r\` over a $lines-line file"
	what[trim]="\`\${x##*/}\` \`\${x%/*}\` \`\${x#*.}\` \`\${x%%.*}\` x $trims"
	what[pipes]="$pipes iterations of \`echo |[shm] read\` and \`echo |[mq:lines] read\` (dash, bash: \`|\`)"
	arg=([loop]=$loops [func]=$calls [case]=$tmp/words [read]=$tmp/lines [trim]=$trims [pipes]=$pipes)
	small=([loop]=1000 [func]=1000 [case]=$tmp/words.small [read]=$tmp/words.small [trim]=1000 [pipes]=20)
	for name in "${names[@]}"; do
		plain="$d/$name.sh"
		[ "$name" != pipes ] || plain="$tmp/pipes-plain.sh"
		# ipcsh is timed only when it gives dash's answer (its exit status 0).
		ref=$(run_script_once dash "$plain" "${small[$name]}")
		got=$(run_script_once "$IPCSH" "$d/$name.sh" "${small[$name]}")
		if [ "${got%% *}" != ok ]; then
			why[$name]="n/a (${got#fail })"
		elif [ "$got" != "$ref" ]; then
			why[$name]="n/a (wrong answer: ${got#ok } instead of ${ref#ok })"
		fi
		args_t+=(::: "$name-dash" dash "$plain" "${arg[$name]}" ::: "$name-bash" bash "$plain" "${arg[$name]}")
		[ -n "${why[$name]:-}" ] || args_t+=(::: "$name-ipcsh" "$IPCSH" "$d/$name.sh" "${arg[$name]}")
	done
	"$IPCSH" --bench --time --reps "$reps" --warmup 0 -- "${args_t[@]:1}" >"$tmp/scripts.csv" ||
		echo "bench: some script runs failed (status column of $tmp/scripts.csv)" >&2
	echo "| script | dash | bash | ipcsh | ipcsh/dash | ipcsh/bash | target (ipcsh/dash) | CPU ipcsh/dash | peak RSS KiB dash / bash / ipcsh |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for name in "${names[@]}"; do
		dm=$(get scripts "$name-dash" median_ms) bm=$(get scripts "$name-bash" median_ms)
		if [ -n "${why[$name]:-}" ]; then
			ipc=$(cell "${why[$name]}") r=n/a pm=0 rss=n/a cr=n/a
		else
			pm=$(get scripts "$name-ipcsh" median_ms)
			ipc=$(seconds "$pm") r=$(ratio "$pm" "$dm") rss=$(get scripts "$name-ipcsh" maxrss_kib)
			cr=$(ratio "$(get scripts "$name-ipcsh" cpu_ms)" "$(get scripts "$name-dash" cpu_ms)")
		fi
		echo "| $(cell "${what[$name]}") | $(seconds "$dm") | $(seconds "$bm") | $ipc | $r | $(ratio "$pm" "$bm") | <= 1.0: $(mark "$r" "<=" 1.0) | $cr |" \
			"$(get scripts "$name-dash" maxrss_kib) / $(get scripts "$name-bash" maxrss_kib) / $rss |"
	done
	echo
	echo "Each shell runs each script $reps times, interleaved (\`ipcsh --bench --time\`, no warm-up; CPU:"
	echo "the median of user+sys of every process of a run); before"
	echo "timing, each runs it once on a small input and ipcsh's answer must equal dash's, else its"
	echo "figure is n/a with the reason. Scripts: bench/scripts/."
	echo
	section_script_rss "$rss_n" "$rss_early"
}

# The shell's own RSS over a long loop (bench/scripts/rss.sh): VmHWM and
# VmRSS after iteration EARLY and after the last, read by a child from
# /proc/$$/status (the same line in all three shells).
section_script_rss() {
	local n=$1 early=$2 sh out a b h rc
	echo "Memory of a $n-iteration loop (function call, case, trims, arithmetic each round):"
	echo
	echo "| shell | VmRSS after iteration $early | after iteration $n | growth | peak (VmHWM) |"
	echo "|---|---|---|---|---|"
	declare -A peak=() grow=()
	for sh in dash bash ipcsh; do
		local cmd=("$sh")
		[ "$sh" != ipcsh ] || cmd=("$IPCSH")
		out=$(timeout 600 "${cmd[@]}" bench/scripts/rss.sh "$n" "$early" 2>"$tmp/rss.err" </dev/null)
		rc=$?
		a=$(awk '/^VmRSS/ { print $2; exit }' <<<"$out")
		{ read -r h; read -r b; } < <(awk '/^VmHWM/ { h = $2 } /^VmRSS/ { r = $2 } END { print h; print r }' <<<"$out")
		if [ "$rc" -ne 0 ] || [ -z "$a" ] || [ -z "$b" ]; then
			echo "| $sh | $(cell "n/a ($(run_script_once "${cmd[@]}" bench/scripts/rss.sh 2 1 | sed 's/^fail //'))") | | | |"
			continue
		fi
		peak[$sh]=$h grow[$sh]=$((b - a))
		echo "| $sh | $a kB | $b kB | $((b - a)) kB | $h kB |"
	done
	echo
	local rb=n/a g=n/a
	[ -z "${peak[ipcsh]:-}" ] || rb=$(ratio "${peak[ipcsh]}" "${peak[bash]:-0}")
	[ -z "${grow[ipcsh]:-}" ] || g=${grow[ipcsh]}
	echo "ipcsh/bash peak RSS: $rb (target <= 1.0: $(mark "$rb" "<=" 1.0)); ipcsh's growth from iteration $early to $n: $g kB (target: 0, flat)"
	echo
}

# The bench stages in shell text: ring-aware (IPCSH_BENCH_RING=1) or not.
stage_prod() { # BYTES BLOCK RING
	local e=
	[ "$3" = 1 ] && e="IPCSH_BENCH_RING=1 "
	echo "$e$(q "$IPCSH") --bench --produce $1 $2 3 3>/dev/null"
}
stage_cons() { # BYTES RING
	local e=
	[ "$2" = 1 ] && e="IPCSH_BENCH_RING=1 "
	echo "$e$(q "$IPCSH") --bench --consume $1"
}

section_ring() {
	echo "## 7. libipcsh: ring-aware stages (issue 18), $RING_BYTES in 64 KiB records, $RING_SMALL in 64-byte records"
	echo
	if [ ! -x "$PIPEPAIR" ]; then
		echo "skipped: $PIPEPAIR is not built (make bench builds it)"
		echo
		return
	fi
	local nb ns
	nb=$(bytes "$RING_BYTES") ns=$(bytes "$RING_SMALL")
	timeit ring "$REPS" -- \
		direct "$IPCSH" -c "$(stage_prod "$nb" 64K 1) |[shm] $(stage_cons "$nb" 1)" ::: \
		pipe1m "$PIPEPAIR" pipe "$nb" 65536 ::: \
		memcpy "$PIPEPAIR" memcpy "$nb" ::: \
		direct64 "$IPCSH" -c "$(stage_prod "$ns" 64 1) |[shm] $(stage_cons "$ns" 1)" ::: \
		pipe64 "$PIPEPAIR" pipe "$ns" 64 ::: \
		oneside "$IPCSH" -c "$(stage_prod "$nb" 64K 1) |[shm] $(stage_cons "$nb" 0)" ::: \
		relayed "$IPCSH" -c "$(stage_prod "$nb" 64K 0) |[shm] $(stage_cons "$nb" 0)"
	local d p m d64 p64 o rl r1 r2 r3 r4
	d=$(get ring direct median_ms) p=$(get ring pipe1m median_ms) m=$(get ring memcpy median_ms)
	d64=$(get ring direct64 median_ms) p64=$(get ring pipe64 median_ms)
	o=$(get ring oneside median_ms) rl=$(get ring relayed median_ms)
	r1=$(ratio "$p" "$d") r2=$(ratio "$m" "$d") r3=$(ratio "$p64" "$d64") r4=$(ratio "$rl" "$o")
	echo "Every run copies the pattern out at the producer and compares every byte at the consumer;"
	echo "GB/s = bytes / median wall time of the whole command (start-up included)."
	echo
	echo "| run | GB/s | ratio | target |"
	echo "|---|---|---|---|"
	echo "| ring-aware producer \`|[shm]\` ring-aware consumer, 64 KiB records | $(gbps "$nb" "$d") | | |"
	echo "| raw C pair over a 1 MiB pipe (bench/pipepair.c), 64 KiB writes | $(gbps "$nb" "$p") | ring / pipe $r1 | >= 5: $(mark "$r1" ">=" 5) |"
	echo "| memcpy + compare in one process, 1 MiB at a time | $(gbps "$nb" "$m") | ring / memcpy $r2 | >= 0.6: $(mark "$r2" ">=" 0.6) |"
	echo "| ring-aware, 64-byte records (batched per reserve) | $(gbps "$ns" "$d64") | | |"
	echo "| raw C pair over a 1 MiB pipe, 64-byte writes | $(gbps "$ns" "$p64") | ring / pipe $r3 | >= 20: $(mark "$r3" ">=" 20) |"
	echo "| ring-aware producer, relayed consumer (one relay) | $(gbps "$nb" "$o") | vs relayed shm $r4 | >= 1.0: $(mark "$r4" ">=" 1.0) |"
	echo "| relayed shm (both relays) | $(gbps "$nb" "$rl") | | |"
	echo
	section_rtt
}

# Round trips of a 64-byte message, a ring each way between two processes
# pinned to two vCPUs, in BENCH_RTT_BATCHES batches of BENCH_RTT_ROUNDS;
# each batch first measures the floor: one cache line each way, no ring
# (`--ring-rtt … line`). On a VM the two vCPUs sit on near or distant host
# cores, and that changes from minute to minute: the floor says which.
section_rtt() {
	local n=${BENCH_RTT_ROUNDS:-200000} k=${BENCH_RTT_BATCHES:-5} i line spin block
	: >"$tmp/rtt"
	for ((i = 1; i <= k; i++)); do
		line=$("$IPCSH" --bench --ring-rtt "$n" 64 line) spin=$("$IPCSH" --bench --ring-rtt "$n" 64 spin)
		echo "$i $(awk '{ print $3, $4 }' <<<"$line") $(awk '{ print $3, $4 }' <<<"$spin")" >>"$tmp/rtt"
	done
	block=$("$IPCSH" --bench --ring-rtt $((n / 10)) 64 block)
	echo "Round trip of a 64-byte message, a ring each way between two ring-aware processes pinned to"
	echo "two vCPUs (\`ipcsh --bench --ring-rtt\`, $k batches of $n round trips after a warm-up of a tenth),"
	echo "spinning (IPCSH_RING_SPIN, as on \`|[shm:spin]\`). Before each batch, the floor: one cache line"
	echo "each way between the same two vCPUs, no ring (\`--ring-rtt N 64 line\`); on a VM it shows whether"
	echo "the host placed the two vCPUs on near or distant cores."
	echo
	echo "| batch | cache line median us | p99 | ring (spin) median us | p99 | ring - line us |"
	echo "|---|---|---|---|---|---|"
	awk '{ printf "| %d | %s | %s | %s | %s | %.3f |\n", $1, $2, $3, $4, $5, $4 - $2 }' "$tmp/rtt"
	echo
	local sm lm lo hi
	sm=$(awk '{ print $4 }' "$tmp/rtt" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	lm=$(awk '{ print $2 }' "$tmp/rtt" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	lo=$(awk '{ print $4 }' "$tmp/rtt" | sort -g | head -1) hi=$(awk '{ print $4 }' "$tmp/rtt" | sort -g | tail -1)
	echo "Spinning: median of the batch medians $sm us (batches $lo..$hi; target <= 0.25: $(mark "$sm" "<=" 0.25)),"
	echo "over a cache-line floor of $lm us; sleeping (IPCSH_RING_BLOCK): median $(awk '{ print $3 }' <<<"$block") us."
	echo
}

# Section 8. bash does not wait for >( ): the fan-out runs inside
# `{ ...; } | cat >/dev/null` with the consumers writing to that pipe, so
# both shells end only when every consumer has (the same work for both).
section_graph() {
	echo "## 8. Pipeline graphs (issue 17): process substitution, $BYTES"
	echo
	local half=$((NBYTES / 2)) f="$tmp/lines"
	yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde | head -c "$half" >"$f" || return
	local z="head -c $NBYTES /dev/zero"
	local out_b="{ $z | tee >(cat) >(cat) >/dev/null; } | cat >/dev/null"
	local out_p="{ $z | tee >(cat) >(cat) >/dev/null; } | cat >/dev/null"
	local out_s="{ $z | tee >[shm](cat) >[shm](cat) >/dev/null; } | cat >/dev/null"
	local qf in_b in_s
	qf=$(q "$f")
	in_b="paste <(cat $qf) <(cat $qf) >/dev/null"
	in_s="paste <[shm](cat $qf) <[shm](cat $qf) >/dev/null"
	timeit graph_out "$GRAPH_REPS" -- bash bash -c "$out_b" ::: pipe "$IPCSH" -c "$out_p" ::: shm "$IPCSH" -c "$out_s"
	# The floor: the same three processes and pipes, no shell (bench/psubref.c).
	local raw=()
	${CC:-cc} -O2 -o "$tmp/psubref" bench/psubref.c 2>/dev/null &&
		raw=(::: raw "$tmp/psubref" paste @1 @2 "|" cat "$f" "|" cat "$f")
	timeit graph_in "$GRAPH_REPS" -- bash bash -c "$in_b" ::: pipe "$IPCSH" -c "$in_b" ::: shm "$IPCSH" -c "$in_s" "${raw[@]}"
	local l='cat <(true) <(true)'
	timeit graph_launch "$LAUNCH_REPS" -- bash bash -c "$l" ::: ipcsh "$IPCSH" -c "$l"
	rm -f "$f"
	echo "Fan-out: \`{ head -c $BYTES /dev/zero | tee >(cat) >(cat) >/dev/null; } | cat >/dev/null\`;"
	echo "fan-in: \`paste <(cat F) <(cat F) >/dev/null\` with F $((half >> 20)) MiB of 64-byte lines;"
	echo "$GRAPH_REPS repetitions, interleaved, every second one in the reverse order. vs bash ="
	echo "bash's wall time / ipcsh's in the same repetition, the median of these (above 1: ipcsh is"
	echo "faster), with its quartiles; of medians = bash's median / ipcsh's. The host places three"
	echo "busy processes on two vCPUs differently from one run to the next (a run's time varies by"
	echo "10-20%), so the target is judged on the paired ratio. (No CPU column: bash does not wait"
	echo "for its substitutions, so its rusage misses them.)"
	echo
	echo "| graph | bash ms | ipcsh pipe ms | pipe vs bash | quartiles | of medians | ipcsh shm ms | shm vs bash | target |"
	echo "|---|---|---|---|---|---|---|---|---|"
	local w b p sh r q1 q3 rs
	for w in graph_out graph_in; do
		b=$(get "$w" bash median_ms) p=$(get "$w" pipe median_ms) sh=$(get "$w" shm median_ms)
		read -r r q1 q3 <<<"$(paired "$w" bash pipe)"
		read -r rs _ <<<"$(paired "$w" bash shm)"
		echo "| ${w#graph_} | $b | $p | $r | $q1..$q3 | $(ratio "$b" "$p") | $sh | $rs | pipe >= 1.0x bash: $(mark "$r" ">=" 1.0) |"
	done
	if [ ${#raw[@]} -gt 0 ]; then
		local rb rp
		read -r rb q1 q3 <<<"$(paired graph_in raw bash)"
		rb="$rb ($q1..$q3)"
		read -r rp q1 q3 <<<"$(paired graph_in raw pipe)"
		rp="$rp ($q1..$q3)"
		echo
		echo "The fan-in's floor, the same three processes and pipes with no shell (bench/psubref.c):"
		echo "$(get graph_in raw median_ms) ms. Paired, floor's time / the shell's (1.0: the shell adds nothing):"
		echo "bash $rb, ipcsh $rp (medians, quartiles)."
	fi
	b=$(get graph_launch bash median_ms) p=$(get graph_launch ipcsh median_ms)
	r=$(ratio "$p" "$b")
	echo
	echo "Launch of \`$l\`: bash $b ms, ipcsh $p ms, ipcsh/bash $r (target <= 1.1: $(mark "$r" "<=" 1.1));" \
		"fastest runs ipcsh/bash $(ratio "$(get graph_launch ipcsh min_ms)" "$(get graph_launch bash min_ms)")" \
		"(bash does not wait for its substitutions, ipcsh does)."
	echo
}

main() {
	machine
	start_ipcshd || echo "(ipcshd not available: no remote rows)" >&2
	skip 1 || section_engine
	skip 2 || section_launch
	skip 3 || section_memory
	skip 4 || section_transports
	skip 5 || section_remote
	skip 6 || section_scripts
	skip 7 || section_ring
	skip 8 || section_graph
}

start=$(date +%s)
# main runs in this shell (not a pipeline's subshell) so that cleanup sees
# the daemons it started.
exec 4> >(tee "$OUT/results.md")
teepid=$!
main >&4
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&4
exec 4>&-
wait "$teepid" 2>/dev/null
echo "make bench: $(($(date +%s) - start)) s; report in $OUT/results.md"
