#!/usr/bin/env bats
# bench.bats — `ipcsh --bench` (SPEC §6): a verified row per transport, csv
# and json that parse, an SVG chart with one bar per transport, errors for
# unknown transports and options; the hidden helper modes really verify.
# Small sizes only: these tests check the engine, not the machine.
load common

ALL="pipe fifo sock mq mq:lines shm msg sysvshm mmap dgram seqpacket tcp"
SMALL=(--bytes 1M --reps 1 --rounds 20)

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	IPC_BEFORE=$(ipc_snapshot)
}

teardown() {
	if [ -n "${DAEMON_PID:-}" ]; then
		kill "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
}

# py SCRIPT FILE [ARG]: run a python3 check on FILE.
py() { python3 -c "$1" "$2" "${3-}"; }

@test "bench: a verified row for every transport, the machine named" {
	run --separate-stderr ipcsh --bench "${SMALL[@]}"
	assert_success
	local t
	for t in $ALL; do
		assert_line --regexp "^$t +[0-9.]+ .* verified\$"
	done
	# The same shm edge between stages that use libipcsh.
	assert_line --regexp "^shm \(direct\) +[0-9.]+ .* verified\$"
	assert_line --regexp "^machine: .+, [0-9]+ cores, Linux "
	assert_output --partial "verified: the consumer compared every byte"
	refute_output --partial "FAILED"
	no_ipc_left
}

@test "bench: --transport picks rows, with options, in order" {
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --transport sock --transport mq:msgsize=1024,maxmsg=4
	assert_success
	assert_line --regexp "^sock +[0-9.]+ .* verified\$"
	assert_line --regexp "^mq:msgsize=1K,maxmsg=4 +[0-9.]+ .* verified\$"
	refute_line --regexp "^(pipe|fifo|shm) "
}

@test "bench: --format csv parses, one verified row per transport" {
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --format csv
	assert_success
	printf '%s\n' "$output" >out.csv
	run py '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
names = [r["transport"] for r in rows]
assert names == sys.argv[2].split() + ["shm (direct)"], names
for r in rows:
    assert r["verified"] == "yes", r
    assert float(r["gbps"]) > 0 and float(r["small_writes_per_s"]) > 0, r
    assert float(r["rtt_median_us"]) > 0 and float(r["rtt_p99_us"]) >= float(r["rtt_median_us"]), r
    assert int(r["peak_rss_kib"]) > 0 and int(r["cores"]) > 0, r
print("ok")' out.csv "$ALL"
	assert_success
	assert_output ok
}

@test "bench: --format json is valid JSON with the machine and every transport" {
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --format json
	assert_success
	printf '%s\n' "$output" >out.json
	run python3 -m json.tool out.json
	assert_success
	run py '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["machine"]["cores"] > 0 and d["machine"]["cpu"] and d["machine"]["kernel"]
assert d["workload"]["bytes"] == 1 << 20
assert [r["transport"] for r in d["results"]] == sys.argv[2].split() + ["shm (direct)"]
assert all(r["verified"] and r["gbps"] > 0 and "rtt_median_us" in r for r in d["results"])
print("ok")' out.json "$ALL"
	assert_success
	assert_output ok
}

@test "bench: --chart writes well-formed SVG with one bar per transport per metric" {
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --chart chart.svg
	assert_success
	[ -s chart.svg ]
	run py '
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg"
want = sys.argv[2].split() + ["shm (direct)"]
for metric in ("throughput", "latency"):
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect")
            if r.get("class", "").split() == ["bar", metric]]
    assert [b.get("data-transport") for b in bars] == want, (metric, bars)
    assert all(float(b.get("width")) > 0 for b in bars), metric
assert not root.findall(".//s:script", ns)
print("ok")' chart.svg "$ALL"
	assert_success
	assert_output ok
}

@test "bench: --compare prints the tutorials' table: every row, stars, rankings, tested boundaries" {
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --compare
	assert_success
	assert_output --partial "The tutorials' comparison, measured"
	# One line per transport: mechanism, edge, stars with their rank, four
	# ranked columns, then the properties.
	local t
	for t in $ALL; do
		assert_line --regexp "^[A-Za-z].{25} $t +[*.]{5} \([0-9]+\) +[0-9.]+ \([0-9]+\) +[0-9.]+M \([0-9]+\) +[0-9.]+ \([0-9]+\) +[0-9.]+ +[0-9.]+ \([0-9]+\)  (yes|no\*?) +(yes|no) +(yes|no) +(yes|no)\$"
	done
	# Boundaries are tested: kept by queues and datagram sockets, not by streams.
	assert_line --regexp "^message queue, System V +msg .*  yes +yes +yes +no\$"
	assert_line --regexp "^Unix socket, datagram +dgram .*  yes "
	assert_line --regexp "^Unix socket, stream +sock .*  no "
	assert_line --regexp "^network socket, TCP +tcp .*  no +yes +yes +yes\$"
	assert_line --regexp "^shared memory, System V +sysvshm +\*\*\*\*\* \(1\) .*  no\* "
	no_ipc_left
}

@test "bench: --compare in JSON: a row per transport with ranks, stars and the properties" {
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --compare --format json \
		--transport pipe --transport msg --transport dgram --transport tcp --transport shm
	assert_success
	printf '%s\n' "$output" >out.json
	run py '
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["compare"]["rows"]
assert [r["transport"] for r in rows] == ["pipe", "msg", "dgram", "tcp", "shm"], rows
for k in ("rank_gbps", "rank_small", "rank_rtt", "rank_cpu"):
    assert sorted(r[k] for r in rows)[0] == 1 and all(1 <= r[k] <= 5 for r in rows), k
stars = {r["transport"]: r["stars"] for r in rows}
assert stars == {"pipe": 4, "msg": 3, "dgram": 3, "tcp": 2, "shm": 5}, stars
by = {r["transport"]: r for r in rows}
assert by["msg"]["boundaries"] is True and by["msg"]["boundaries_tested"] is True
assert by["dgram"]["boundaries"] is True and by["pipe"]["boundaries"] is False
assert by["tcp"]["crosses_machines"] is True and by["pipe"]["bidirectional"] is False
assert by["shm"]["boundaries_tested"] is False
assert isinstance(d["compare"]["notes"], list)
assert all(r["verified"] for r in d["results"])
print("ok")' out.json
	assert_success
	assert_output ok
	no_ipc_left
}

@test "bench: an unknown transport, a bad option or value is an error (status 2), nothing runs" {
	run --separate-stderr ipcsh --bench --transport nosuch
	assert_failure 2
	[[ $stderr == *"unknown transport 'nosuch'"* ]]
	[ -z "$output" ]
	run --separate-stderr ipcsh --bench --transport shm:bogus=1
	assert_failure 2
	[[ $stderr == *"unknown option 'bogus'"* ]]
	run --separate-stderr ipcsh --bench --frobnicate
	assert_failure 2
	[[ $stderr == *"unknown option '--frobnicate'"* ]]
	run --separate-stderr ipcsh --bench --format yaml
	assert_failure 2
	run --separate-stderr ipcsh --bench --bytes 12Q
	assert_failure 2
	run --separate-stderr ipcsh --bench --reps
	assert_failure 2
	run --separate-stderr ipcsh --bench --block 1G
	assert_failure 2
	run --separate-stderr ipcsh --bench --remote 'host;touch pwned'
	assert_failure 2
	[[ $stderr == *"expected HOST[:PORT]"* ]]
	[ ! -e pwned ]
}

@test "bench: --help prints the bench usage" {
	run --separate-stderr ipcsh --bench --help
	assert_success
	assert_output --partial "--transport EDGE"
	assert_output --partial "--chart FILE.svg"
}

@test "bench: a transport the system cannot provide fails its row, others still run" {
	# msgsize above /proc/sys/fs/mqueue/msgsize_max (8192 here): EINVAL even as root.
	local max
	max=$(cat /proc/sys/fs/mqueue/msgsize_max)
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --transport pipe --transport "mq:msgsize=$((max * 2))"
	assert_failure 1
	assert_line --regexp "^pipe +[0-9.]+ .* verified\$"
	assert_line --regexp "^mq:msgsize=.* FAILED: .*msgsize_max"
	no_ipc_left
}

@test "bench: the consumer really verifies: a changed byte, a lost or an extra byte is caught" {
	run --separate-stderr bash -c '"$IPCSH" --bench --produce 100000 4096 3 3>/dev/null |
		sed "s/bench 00000005 /bench 00000006 /" | "$IPCSH" --bench --consume 100000'
	assert_failure 1
	assert_output --regexp "^C MISMATCH 100000 [0-9]+ "
	run --separate-stderr bash -c '"$IPCSH" --bench --produce 100000 4096 3 3>/dev/null |
		head -c 99999 | "$IPCSH" --bench --consume 100000'
	assert_failure 1
	assert_output --regexp "^C MISMATCH 99999 99999 "
	run --separate-stderr bash -c '{ "$IPCSH" --bench --produce 100000 4096 3 3>/dev/null; echo x; } |
		"$IPCSH" --bench --consume 100000'
	assert_failure 1
	assert_output --regexp "^C MISMATCH 100002 100000 "
	run --separate-stderr bash -c '"$IPCSH" --bench --produce 100000 4096 3 3>/dev/null |
		"$IPCSH" --bench --consume 100000'
	assert_success
	assert_output --regexp "^C verified 100000 0 [0-9]+ [0-9]+\$"
}

@test "bench: --time compares commands with one clock; --raw joins two with a socketpair" {
	run --separate-stderr ipcsh --bench --time --reps 3 --warmup 1 -- t1 true ::: t2 sh -c 'exit 0'
	assert_success
	assert_line "label,runs,median_ms,min_ms,max_ms,cpu_ms,maxrss_kib,status,runs_ms"
	assert_line --regexp '^t1,3,[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+,[0-9]+,0,[0-9.]+ [0-9.]+ [0-9.]+$'
	assert_line --regexp '^t2,3,'
	# every run in repetition order; every second repetition in the reverse
	# order of the rows (each run appends its row's label to a file; one
	# warm-up round, then four)
	local f=$BATS_TEST_TMPDIR/order
	run --separate-stderr ipcsh --bench --time --reps 4 --warmup 1 -- \
		a sh -c "echo a >>$f" ::: b sh -c "echo b >>$f" ::: c sh -c "echo c >>$f"
	assert_success
	assert_equal "$(tr -d '\n' <"$f")" "abccbaabccbaabc"
	local row
	row=$(grep '^b,' <<<"$output")
	assert_equal "$(cut -d, -f9 <<<"$row" | wc -w)" 4
	run --separate-stderr ipcsh --bench --time --reps 2 -- bad false
	assert_failure 1
	assert_line --regexp '^bad,0,.*,1,$'
	run --separate-stderr bash -c '"$IPCSH" --bench --raw sock seq 1 50000 "|" cksum'
	assert_success
	assert_output "$(seq 1 50000 | cksum)"
	run --separate-stderr bash -c '"$IPCSH" --bench --raw pipe seq 1 5000 "|" cksum'
	assert_success
	assert_output "$(seq 1 5000 | cksum)"
}

@test "bench: --crypto times the remote stage's cipher, every message opened and checked" {
	run --separate-stderr ipcsh --bench --crypto 8M 64K
	assert_success
	assert_line --index 0 "what,gbps"
	assert_line --regexp '^aesgcm-seal,([0-9]+\.[0-9]{2}|n/a)$'
	assert_line --regexp '^aesgcm-open,([0-9]+\.[0-9]{2}|n/a)$'
	assert_line --regexp '^chachapoly-seal,[0-9]+\.[0-9]{2}$'
	assert_line --regexp '^chachapoly-open,[0-9]+\.[0-9]{2}$'
	assert_line --regexp '^secretstream-v1-push,[0-9]+\.[0-9]{2}$'
	assert_line --regexp '^secretstream-v1-pull,[0-9]+\.[0-9]{2}$'
	if grep -qw aes /proc/cpuinfo; then
		refute_line 'aesgcm-seal,n/a'
	fi
	run --separate-stderr ipcsh --bench --crypto 8M 0
	assert_failure 2
	[[ $stderr == *"usage: BYTES MSG"* ]] || fail "$stderr"
}

@test "bench: --remote adds a verified row through ipcshd over loopback" {
	[ -x "$IPCSHD" ] || skip "ipcshd is not built"
	export XDG_CONFIG_HOME=$PWD/cfg
	ipcsh --keygen >/dev/null
	"$IPCSHD" --genkey-host hk >/dev/null
	local root=()
	[ "$(id -u)" != 0 ] || root=(--allow-root)
	: >daemon.err # exists before the daemon's own redirection runs
	"$IPCSHD" --listen 127.0.0.1:0 --host-key hk --authorized-keys cfg/ipcsh/id.pub "${root[@]}" \
		2>>daemon.err &
	DAEMON_PID=$!
	local i port=
	for ((i = 0; i < 200; i++)); do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' daemon.err)
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || { cat daemon.err; false; }
	echo "127.0.0.1:$port $(cut -d' ' -f1,2 hk.pub)" >cfg/ipcsh/known_hosts
	run --separate-stderr ipcsh --bench "${SMALL[@]}" --transport pipe --remote "127.0.0.1:$port" \
		--key cfg/ipcsh/id
	assert_success
	assert_line --regexp "^remote 127\.0\.0\.1:$port +[0-9.]+ .* verified\$"
	grep -q -- "--bench --consume" daemon.err
}

@test "bench: as an unprivileged user every transport still verifies (per-user pipe and mq budgets)" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
	local u
	u=$(mktemp -d /tmp/ipcsh-bench-unpriv.XXXXXX)
	cp "$IPCSH" "$u/ipcsh"
	chmod 755 "$u" "$u/ipcsh"
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env HOME="$u" PATH=/usr/bin:/bin "$u/ipcsh" --bench "${SMALL[@]}"
	rm -rf "$u"
	assert_success
	local t
	for t in $ALL; do
		assert_line --regexp "^$t +[0-9.]+ .* verified\$"
	done
	no_ipc_left
}

@test "bench: the make bench driver runs end to end (tiny sizes), cleans up, reports ratios" {
	run --separate-stderr env BENCH_IPCSH="$IPCSH" BENCH_IPCSHD="$IPCSHD" BENCH_OUT="$BATS_TEST_TMPDIR/out" \
		BENCH_BYTES=4M BENCH_REPS=1 BENCH_LAUNCH_REPS=6 BENCH_SKIP="1 5 6" TMPDIR="$BATS_TEST_TMPDIR" \
		BENCH_RING_BYTES=16M BENCH_RING_SMALL=1M BENCH_PIPEPAIR="$IPCSH_BUILD/bench/pipepair" \
		BENCH_RTT_ROUNDS=2000 BENCH_RTT_BATCHES=2 BENCH_GRAPH_REPS=3 \
		bash "$BATS_TEST_DIRNAME/../bench/run.sh"
	assert_success
	assert_line --regexp '^- machine: .+, [0-9]+ cores, Linux '
	assert_line --regexp '^\| 4-stage /bin/true \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|'
	assert_line --regexp '^\| ipcsh \| [0-9]+ kB \|'
	local t
	for t in pipe fifo sock mq shm; do
		assert_line --regexp "^\| $t \| [0-9.]+ \| [0-9.]+ \|"
	done
	# libipcsh (issue 18): the ring against the raw pipe pair and memcpy.
	assert_line --regexp '^\| raw C pair over a 1 MiB pipe .* \| [0-9.]+ \| ring / pipe [0-9.]+ \| >= 5: '
	assert_line --regexp '^\| memcpy .* \| ring / memcpy [0-9.]+ \|'
	assert_line --regexp '^\| raw C pair over a 1 MiB pipe, 64-byte writes \| [0-9.]+ \| ring / pipe [0-9.]+ \|'
	assert_line --regexp '^\| ring-aware producer, relayed consumer .* vs relayed shm [0-9.]+ \|'
	# graphs (issue 17): process substitution against bash's
	assert_line --regexp '^\| out \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+\.\.[0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| pipe >= 1.0x bash: (ok|MISSED) \|$'
	assert_line --regexp '^\| in \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+\.\.[0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| pipe >= 1.0x bash: (ok|MISSED) \|$'
	assert_line --regexp '^Launch of `cat <\(true\) <\(true\)`: bash [0-9.]+ ms, ipcsh [0-9.]+ ms, ipcsh/bash [0-9.]+ '
	# Round trips: each batch beside the cache-line floor of the same two vCPUs.
	assert_line --regexp '^\| 2 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| -?[0-9.]+ \|$'
	assert_line --regexp '^Spinning: median of the batch medians [0-9.]+ us \(batches [0-9.]+\.\.[0-9.]+; target <= 0.25: (ok|MISSED)\),$'
	refute_output --partial "n/a"
	[ -s "$BATS_TEST_TMPDIR/out/results.md" ]
	# Its temp directory is gone.
	run compgen -G "$BATS_TEST_TMPDIR/ipcsh-bench.*"
	assert_failure
	no_ipc_left
}

@test "bench: the script section (6) times dash and bash, and ipcsh only when it gives dash's answer" {
	local rows='^\| .+ \| [0-9.]+ \| [0-9.]+ \| '
	run --separate-stderr env BENCH_IPCSH="$IPCSH" BENCH_OUT="$BATS_TEST_TMPDIR/out" BENCH_SCRIPT_SCALE=1000 \
		BENCH_SCRIPT_REPS=1 BENCH_SKIP="1 2 3 4 5 7 8" TMPDIR="$BATS_TEST_TMPDIR" bash "$BATS_TEST_DIRNAME/../bench/run.sh"
	assert_success
	assert_line --partial '## 6. Scripts (issue 12)'
	# Six scripts; ipcsh's cell is a time or "n/a (why)", the check decides.
	[ "$(grep -cE "$rows"'([0-9.]+|n/a \(.+\)) \|' <<<"$output")" -eq 6 ] || fail "$output"
	assert_line --regexp '^\| dash \| [0-9]+ kB \| [0-9]+ kB \| -?[0-9]+ kB \| [0-9]+ kB \|$'
	assert_line --regexp '^\| bash \| [0-9]+ kB \|'
	assert_line --regexp '^\| ipcsh \| ([0-9]+ kB|n/a \(.+\)) \|'
	# A stand-in ipcsh that runs the scripts with bash (plain pipes): every
	# ipcsh figure is a time and a ratio; one that answers wrongly is n/a.
	printf '#!/bin/bash\ncase $1 in --*) exec "%s" "$@" ;; esac\nf=$1; shift\nsed -E "s/\\|\\[[a-z:]+\\]/|/g" "$f" >"$f.plain.$$"\nbash "$f.plain.$$" "$@"; r=$?; rm -f "$f.plain.$$"; exit $r\n' "$IPCSH" >fake
	chmod +x fake
	run --separate-stderr env BENCH_IPCSH="$PWD/fake" BENCH_OUT="$BATS_TEST_TMPDIR/out" BENCH_SCRIPT_SCALE=1000 \
		BENCH_SCRIPT_REPS=1 BENCH_SKIP="1 2 3 4 5 7 8" TMPDIR="$BATS_TEST_TMPDIR" bash "$BATS_TEST_DIRNAME/../bench/run.sh"
	assert_success
	[ "$(grep -cE "$rows"'[0-9.]+ \| [0-9.]+ \| [0-9.]+ \| <= 1.0: (ok|MISSED) \| [0-9.]+ \|' <<<"$output")" -eq 6 ] || fail "$output"
	assert_line --regexp '^ipcsh/bash peak RSS: [0-9.]+ '
	printf '#!/bin/sh\ncase $1 in --*) exec "%s" "$@" ;; esac\necho 42\n' "$IPCSH" >fake
	run --separate-stderr env BENCH_IPCSH="$PWD/fake" BENCH_OUT="$BATS_TEST_TMPDIR/out" BENCH_SCRIPT_SCALE=1000 \
		BENCH_SCRIPT_REPS=1 BENCH_SKIP="1 2 3 4 5 7 8" TMPDIR="$BATS_TEST_TMPDIR" bash "$BATS_TEST_DIRNAME/../bench/run.sh"
	assert_success
	[ "$(grep -cE "$rows"'n/a \(wrong answer: 42 instead of .+\) \|' <<<"$output")" -eq 6 ] || fail "$output"
	run compgen -G "$BATS_TEST_TMPDIR/ipcsh-bench.*"
	assert_failure
	no_ipc_left
}

@test "bench: a job past --timeout, or a Ctrl-C, stops cleanly: row failed, nothing left behind" {
	# 64G cannot move in 1 s here: the warm-up job is stopped by the timeout.
	run --separate-stderr ipcsh --bench --bytes 64G --reps 1 --rounds 20 --transport shm --timeout 1
	assert_failure 1
	assert_line --regexp "^shm +FAILED: warm-up: timed out\$"
	run --separate-stderr timeout --preserve-status -s INT 2 "$IPCSH" --bench --bytes 64G --reps 1 --transport mq
	assert_failure 130
	assert_line --regexp "^mq +FAILED: .*interrupted\$"
	# No helper stage of this ipcsh left running (the job's group was killed).
	run pgrep -f -- "^$(readlink -f "$IPCSH") --bench --(produce|consume)"
	assert_failure
	no_ipc_left
}
