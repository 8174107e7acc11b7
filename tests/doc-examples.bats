#!/usr/bin/env bats
# doc-examples.bats — the examples of README.md and man/ipcsh.1 run, and
# print what the documents say they print (issue 13 point 10).
#
# Every code block of README.md, and every literal block of the man page's
# EXAMPLES section, carries a mark just before it — `<!-- example: KIND -->`
# in the README, `.\" example: KIND` in the man page — that says how it is
# checked; a block without one fails the test, so a new example is either
# run or says why not. KIND is:
#   exact         each `$ CMD` line runs under sh (ipcsh on PATH, in an
#                 empty directory); its output (stderr too) is the lines
#                 that follow, up to the next `$ `
#   shape: WHY    the same, with every number (and rate unit) made N
#   prompt        as exact, each command typed at the ipcsh prompt (run
#                 with ipcsh -c)
#   status        each `$ CMD` must succeed (the block shows no output)
#   script ARGS   the block is a pipeline file: run with ARGS, it must
#                 succeed and print something
#   no-run: WHY   not run, for the reason given

load common
load helpers/remote_lib

SRC=$BATS_TEST_DIRNAME/..

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir -p bin work
	ln -sf "$IPCSH" bin/ipcsh
	cp "$SRC/README.md" work/README.md
}

teardown() {
	remote_stop_all
}

# blocks_readme / blocks_man: each block as a file blk.N: the mark on the
# first line, then the block's lines (the man page's roff escapes undone).
blocks_readme() {
	awk -v out="$BATS_TEST_TMPDIR/blk." '
		/^<!-- example: .* -->$/ { mark = $0; sub(/^<!-- example: /, "", mark); sub(/ -->$/, "", mark); next }
		/^```/ && !inb { inb = 1; n++; f = out n; print (mark == "" ? "MISSING line " NR : mark) > f; mark = ""; next }
		/^```/ && inb { inb = 0; close(f); next }
		inb { print > f }
	' "$SRC/README.md"
}

blocks_man() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$SRC/man/ipcsh.1" | awk -v out="$BATS_TEST_TMPDIR/blk." '
		/^\.\\" example: / { mark = $0; sub(/^\.\\" example: /, "", mark); next }
		/^\.Bd -literal/ { inb = 1; n++; f = out n; print (mark == "" ? "MISSING line " NR : mark) > f; mark = ""; next }
		/^\.Ed/ && inb { inb = 0; close(f); next }
		inb { gsub(/\\e/, "\\"); gsub(/\\\(aq/, "\047"); gsub(/\\&/, ""); print > f }
	'
}

# Numbers (and a rate's unit) made N, for the shape mark.
shape() { sed -E 's/[0-9]+(\.[0-9]+)?/N/g; s/N [KMG]?B\/s/N B\/s/g'; }

# check_block FILE: run one block as its mark says.
check_block() {
	local f=$1 mark body cmd want got
	mark=$(head -n 1 "$f")
	body=$(tail -n +2 "$f")
	case $mark in
	MISSING*) fail "a block without an example mark ($mark): $(head -n 3 "$f")" ;;
	no-run:\ ?*) return 0 ;;
	script\ *)
		printf '%s\n' "$body" >work/script.ipcsh
		(cd work && PATH=$BATS_TEST_TMPDIR/bin:$PATH ipcsh script.ipcsh ${mark#script }) >out 2>&1 ||
			fail "the pipeline file failed: $(cat out)"$'\n'"$body"
		[ -s out ] || fail "the pipeline file printed nothing"$'\n'"$body"
		return 0 ;;
	exact | prompt | status | shape:\ ?*) ;;
	*) fail "unknown example mark '$mark'" ;;
	esac
	# Split into commands and the output that follows each.
	local -a cmds=() outs=()
	while IFS= read -r l; do
		if [[ $l == '$ '* ]]; then
			cmds+=("${l#\$ }")
			outs+=("")
		elif ((${#cmds[@]})); then
			outs[-1]+="$l"$'\n'
		fi
	done <<<"$body"
	((${#cmds[@]})) || fail "no \$ command in: $body"
	local i
	for i in "${!cmds[@]}"; do
		cmd=${cmds[i]}
		want=${outs[i]%$'\n'}
		if [ "$mark" = prompt ]; then
			got=$(cd work && PATH=$BATS_TEST_TMPDIR/bin:$PATH ipcsh -c "$cmd" 2>&1) || true
		elif [ "$mark" = status ]; then
			(cd work && PATH=$BATS_TEST_TMPDIR/bin:$PATH sh -c "$cmd") >out 2>&1 ||
				fail "failed: $cmd"$'\n'"$(cat out)"
			continue
		else
			got=$(cd work && PATH=$BATS_TEST_TMPDIR/bin:$PATH sh -c "$cmd" 2>&1) || true
		fi
		if [[ $mark == shape:* ]]; then
			want=$(shape <<<"$want")
			got=$(shape <<<"$got")
		fi
		[ "$got" = "$want" ] || fail "\$ $cmd"$'\n'"want: $want"$'\n'"got:  $got"
	done
}

@test "doc examples: every README.md code block is marked, and the runnable ones print what they show" {
	blocks_readme
	local f n=0
	for f in blk.*; do
		check_block "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 10 ] || fail "only $n blocks found"
}

@test "doc examples: every block of the man page's EXAMPLES is marked, and the runnable ones run" {
	blocks_man
	local f n=0
	for f in blk.*; do
		check_block "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 5 ] || fail "only $n blocks found"
}

@test "man ipcshd: the exit statuses and the key files are as the page says" {
	run -0 "$IPCSHD" --genkey-host hk
	assert_output --partial 'fingerprint: SHA256:'
	[ "$(stat -c %a hk)" = 600 ] || fail "host key mode $(stat -c %a hk)"
	[[ $(cat hk.pub) =~ ^ipcsh-x25519\ [A-Za-z0-9+/=]+\ ipcshd@ ]] || fail "hk.pub: $(cat hk.pub)"
	run -1 "$IPCSHD" --genkey-host hk
	run -2 "$IPCSHD" --no-such-option
	chmod 640 hk
	run -1 "$IPCSHD" --host-key hk --listen 127.0.0.1:0 --allow-root
	assert_output --partial 'chmod 600'
	chmod 600 hk
	if [ "$(id -u)" = 0 ]; then
		run -1 "$IPCSHD" --host-key hk --listen 127.0.0.1:0
		assert_output --partial -- '--user NAME or --allow-root'
	fi
	# listening: the line with the port; a second daemon on it cannot
	# start; a session's log line; SIGTERM after serving is status 0
	remote_keys "$BATS_TEST_TMPDIR/keys"
	remote_start d
	run -1 "$IPCSHD" --host-key "$REMOTE_HOSTKEY" --listen "127.0.0.1:$d_PORT" --allow-root
	run -0 "$IPCSH" -c "echo hi | @127.0.0.1:$d_PORT cat"
	assert_output hi
	kill -TERM "$d_PID"
	local st=0
	wait "$d_PID" || st=$?
	[ "$st" = 0 ] || fail "ipcshd ended with $st after SIGTERM"
	# the page's form: "ipcshd: PEER (KEY COMMENT): COMMAND: exit N (in ... B, out ... B, err ... B, ... s)"
	grep -Eq '^ipcshd: 127\.0\.0\.1:[0-9]+ \(tester\): cat: exit 0 \(in 3 B, out 3 B, err 0 B, [0-9.]+ s\)$' d.log ||
		fail "$(cat d.log)"
}
