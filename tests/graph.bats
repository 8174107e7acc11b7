#!/usr/bin/env bats
# Pipeline graphs (issue 17): process substitution <(…) >(…), with a
# transport on each edge (<[T](…) >[T](…)); every substituted process is a
# node of its job: waited for, in pipefail, in IPCSH_GRAPHSTATUS, stopped
# and continued with it; nothing of it outlives the job.
load common
load helpers/tmux
load helpers/remote_lib

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	IPC_BEFORE=$(ipc_snapshot)
}

# The interactive tests leave nothing behind, nor do daemons (no-ops for the others).
teardown() {
	ish_teardown
	remote_stop_all "$BATS_TEST_TMPDIR"
}

# The fds a process has open, one number a line.
fds_of() { ls "/proc/$1/fd" | sort -n; }

# Graphviz accepts the DOT text (when it is installed).
dot_accepts() {
	if command -v dot >/dev/null; then
		echo "$1" | dot -Tsvg >/dev/null
	fi
}

@test "<( ) and >( ) as bash: /dev/fd paths in any word, redirections from them" {
	run ipcsh -c '
		cat <(echo a) <(echo b)
		echo x<(true)y | sed "s,/dev/fd/[0-9]*,P,"
		seq 3 | tee >(sed s/^/t:/ >t.out) >/dev/null; cat t.out
		cat < <(echo redir)
		echo hi > >(tr a-z A-Z)
		diff <(printf "1\n2\n") <(printf "1\n3\n"); echo "diff $?"'
	assert_success
	assert_output 'a
b
xPy
t:1
t:2
t:3
redir
HI
2c2
< 2
---
> 3
diff 1'
}

@test "a substitution's fd reaches its command only, and the paths name fds >= 10" {
	# what ls inherits without and with a substitution: one fd more, the one named
	run ipcsh -c 'ls /proc/self/fd | sort -n | tr "\n" " "; echo
		X=<(true) sh -c "echo \$X; ls /proc/self/fd | sort -n | tr \"\\n\" \" \""'
	assert_success
	plain=${lines[0]}
	[[ ${lines[1]} =~ ^/dev/fd/(1[0-9])$ ]] || { echo "$output"; false; }
	n=${BASH_REMATCH[1]}
	with=" ${lines[2]}"
	[ "${with/ $n / }" = " $plain" ] || { echo "$output"; false; }
	# the other stage of the pipeline does not inherit it
	run ipcsh -c 'cat <(echo x) | ls /proc/self/fd | sort -n | tr "\n" " "'
	assert_output "$plain"
}

@test "in loops, functions, nested, in command substitution, the idioms of bash" {
	run ipcsh -c '
		for i in 1 2; do cat <(echo loop$i); done
		f() { cat "$1"; }; f <(echo infunc)
		cat <(cat <(echo nested) <(echo twice))
		echo "$(cat <(echo incmdsub))"
		while read -r l; do echo "got $l"; done < <(printf "one\ntwo\n")
		read -r v < <(echo readv); echo $v
		. <(echo "sourced=yes"); echo $sourced
		x=<(true); case $x in /dev/fd/*) echo assignment;; esac'
	assert_success
	assert_output 'loop1
loop2
infunc
nested
twice
incmdsub
got one
got two
readv
yes
assignment'
}

@test "every transport on a substitution's edge, both directions, bytes exact" {
	seq 20000 >want
	for t in pipe fifo sock mq mq:lines shm msg sysvshm mmap dgram seqpacket tcp; do
		run ipcsh -c "cat <[$t](cat want) >got1; cat want | tee >[$t](cat >got2) >/dev/null"
		assert_success
		cmp want got1 || { echo "<[$t]"; false; }
		cmp want got2 || { echo ">[$t]"; false; }
	done
	no_ipc_left
}

@test "fan-out and fan-in with transports: paste, tee, diff" {
	run ipcsh -c 'paste <[shm](seq 3) <[mq:lines](seq 4 6)'
	assert_success
	assert_output $'1\t4\n2\t5\n3\t6'
	run ipcsh -c 'seq 1000 |[shm] tee >[mq:lines](grep -c 7 >sevens) >[sock](wc -l >count) | tail -1; cat sevens count'
	assert_success
	assert_output $'1000\n271\n1000'
	no_ipc_left
}

@test "a bad transport or option of a substitution is a syntax error naming it" {
	run -2 --separate-stderr ipcsh -c 'echo ran; cat <[nope](echo a)'
	[ -z "$output" ]
	[[ $stderr == *"line 1: column 15: syntax error: unknown transport 'nope'"* ]]
	run -2 --separate-stderr ipcsh -c 'tee >[shm:size=-1](cat)'
	[[ $stderr == *"bad value '-1' for option 'size' of 'shm'"* ]]
	run -2 --separate-stderr ipcsh -c 'cat <(echo a'
	[[ $stderr == *"unterminated '<('"* ]]
	run -2 --separate-stderr ipcsh -n -c 'cat <(if true; then echo; fi fi)'
	[[ $stderr == *"syntax error near 'fi'"* ]]
}

@test "a substitution where no word can stand is a syntax error, as in bash" {
	for s in '{ echo; } <(true)' 'if true; then :; fi <(x)' 'case a in a) :;; esac <(true)' \
		'while false; do :; done >(cat)'; do
		run -2 bash -n -c "$s"
		run -2 --separate-stderr ipcsh -n -c "$s"
		[[ $stderr == *"syntax error near '"[\<\>]"("* ]] || { echo "$s: $stderr"; false; }
	done
	run -2 --separate-stderr ipcsh -n -c 'for <(true) in a; do :; done'
	[[ $stderr == *"syntax error: '<(true)' is not a valid name for 'for'"* ]]
	run -2 --separate-stderr ipcsh -n -c 'f() <(true)'
	[[ $stderr == *"syntax error: the body of function 'f' must be a compound command"* ]]
}

@test "in a for list, a case word or pattern and a \${x:-…} value, as bash" {
	# what bash prints too, the fd numbers aside (bash may close the second path of
	# `for f in <(echo a) <(echo b); do cat "$f"; done` after the first cat: not compared)
	script='
		for f in <(echo a); do cat "$f"; done
		case <(true) in /dev/fd/*) echo case-word;; *) echo no;; esac
		case /dev/fd/x in <(true)) echo same;; /dev/fd/*) echo case-pattern;; esac
		echo ${x:-<(true)} "${x:-<(true)}"
		y=1; cat ${y:+<(echo alt)} ${z:-<(echo default)}
		for f in ${u:-<(echo for-default)} plain; do case $f in /dev/*) cat "$f";; *) echo $f;; esac; done
		g() { for f in <(echo "in g $1"); do cat "$f"; done; }; g 1
		for f in <(echo piped); do cat "$f"; done | tr a-z A-Z
		echo "$(for f in <(echo cmdsub); do cat "$f"; done)"'
	run bash -c "$script"
	want=$(sed 's,/dev/fd/[0-9]*,P,g' <<<"$output")
	run ipcsh -c "$script"
	assert_success
	assert_equal "$(sed 's,/dev/fd/[0-9]*,P,g' <<<"$output")" "$want"
	assert_output --partial $'a\ncase-word\ncase-pattern\n'
	run ipcsh -c 'for f in <(echo a) <[shm](echo b) <(echo c); do cat "$f"; done'
	assert_output $'a\nb\nc'
	# --plan and -x show them as nodes of the for or case command
	run ipcsh --plan -c 'for f in <(echo a) <[shm](echo b); do cat "$f"; done; case ${x:-<(true)} in *) ;; esac'
	assert_output --partial $'  node 1.<1: echo a\n  edge 1.<1->1: pipe size=1M\n  node 1.<2: echo b\n  edge 1.<2->1: shm size=1M'
	assert_output --partial $'  stage 1: case: case ${x:-<(true)} in *) ;; esac\n  node 1.<1: true'
	run --separate-stderr ipcsh -x -c 'for f in <[shm](echo a); do cat "$f"; done'
	[[ $stderr == "+ 1.<1 <[shm:"*"](echo a) /dev/fd/1"[0-9]$'\n+ cat /dev/fd/1'[0-9] ]] || { echo "$stderr"; false; }
}

@test "a for's or case's substitutions: nodes of the command, alive until it ends, then gone" {
	# waited for, in IPCSH_GRAPHSTATUS, in pipefail
	run ipcsh -c 'for f in <(exit 3) <(true); do :; done; echo "$? $IPCSH_GRAPHSTATUS"
		case <(exit 4) in *) false;; esac; echo "$? $IPCSH_GRAPHSTATUS"
		for f in <(true); do :; done > >(exit 5); echo "$? $IPCSH_GRAPHSTATUS"
		set -o pipefail
		for f in <(exit 3) <(true); do :; done; echo "$? $IPCSH_GRAPHSTATUS"'
	assert_success
	assert_output $'0 1=0 1.<1=3 1.<2=0\n1 1=1 1.<1=4\n0 1=0 1.<1=0 1.>2=5\n3 1=0 1.<1=3 1.<2=0'
	# the consumer of a >( ) in a for list has finished when the for has
	run ipcsh -c 'for f in >(sleep 0.2; cat >late); do echo data >"$f"; done; cat late'
	assert_output data
	# a path of the list stays open for the whole loop, and is closed after it
	run ipcsh -c 'for f in <(echo first) second; do case $f in /dev/*) p=$f;; *) cat "$p";; esac; done
		cat "$p" 2>/dev/null || echo closed'
	assert_output $'first\nclosed'
	# never opened, or the loop left at once: no hang, the producer sees EPIPE
	run timeout 10 "$IPCSH" -c 'for f in <(yes); do break; done; echo "$IPCSH_GRAPHSTATUS"
		case <[shm](yes) in *) ;; esac; echo "$IPCSH_GRAPHSTATUS"'
	assert_success
	assert_output $'1=0 1.<1=141\n1=0 1.<1=141'
	# an edge that cannot be prepared: the for does not run, the script goes on
	run --separate-stderr ipcsh -c 'for f in <[mq:maxmsg=100000](echo a); do echo body; done; echo "st=$?"'
	assert_output 'st=1'
	# nothing left in the shell after many
	run ipcsh -c '
		true |[mq] true # the guardian of named objects comes once, and stays
		set -- /proc/$$/fd/*; before=$* # globbed here: a $( ) would race with its own pipe
		i=0; while [ $i -lt 30 ]; do
			for f in <(echo $i) <[shm](echo $i); do read v <"$f"; done
			case <[mq](true) in *) : ;; esac; i=$((i + 1))
		done; echo $v
		set -- /proc/$$/fd/*; after=$*
		[ "$before" = "$after" ] && echo same || echo "$before / $after"'
	assert_output $'29\nsame'
	no_ipc_left
	# a for or case that is not the first stage labels its substitutions
	# as --plan does: by its own node (2.<1), not as a pipeline of its own
	run --separate-stderr ipcsh -x -c 'echo x | for i in <(echo a); do cat "$i"; done
		echo x | cat | case <(echo b) in /dev/*) :;; esac'
	assert_success
	assert_output a
	assert_equal "$(grep -o '^+ [0-9.<]* <' <<<"$stderr")" $'+ 2.<1 <\n+ 3.<1 <'
	run ipcsh --plan -c 'echo x | for i in <(echo a); do cat "$i"; done'
	assert_line '  node 2.<1: echo a'
	# their statuses reach the job's IPCSH_GRAPHSTATUS and pipefail from
	# the stage's forked child, in plan order; a case whose body ends in an
	# external command still waits for them (it is not exec'd in place)
	run ipcsh -c 'echo x | for i in <(exit 3) <(true); do :; done; echo "$? $IPCSH_GRAPHSTATUS"
		set -o pipefail
		echo x | case <(exit 4) in *) cat >/dev/null;; esac | true; echo "$? $IPCSH_GRAPHSTATUS"
		echo x | for i in <(exit 3); do :; done > >(exit 5) | cat; echo "$? $IPCSH_GRAPHSTATUS"'
	assert_success
	assert_output $'0 1=0 2=0 2.<1=3 2.<2=0\n4 1=0 2=4 2.<1=4 3=0\n5 1=0 2=3 2.<1=3 2.>2=5 3=0'
	# with substitutions in its redirections too: its words' first, then
	# the redirections', by ipcsh at run time as by --plan (a lone one
	# run in ipcsh itself, and a stage)
	run ipcsh -c 'for f in <(exit 3); do cat; done < <(exit 4); echo "$? $IPCSH_GRAPHSTATUS"
		echo x | for f in <(exit 3); do cat; done < <(exit 4) | cat; echo "$? $IPCSH_GRAPHSTATUS"
		while read l; do :; done < <(exit 2); echo "$? $IPCSH_GRAPHSTATUS"'
	assert_success
	assert_output $'0 1=0 1.<1=3 1.<2=4\n0 1=0 2=0 2.<1=3 2.<2=4 3=0\n0 1=0 1.<1=2'
	run ipcsh --plan -c 'echo x | for f in <(exit 3); do cat; done < <(exit 4) | cat
		while read l; do :; done < <(echo a)'
	assert_success
	assert_line '  node 2.<1: exit 3'
	assert_line '  node 2.<2: exit 4'
	assert_line '  node 1.<1: echo a'
}

@test "the job waits for its substitutions, and IPCSH_GRAPHSTATUS lists every node" {
	# the consumer of >( ) finishes before the next command runs
	run ipcsh -c 'echo data > >(sleep 0.2; cat >late); cat late'
	assert_success
	assert_output data
	run ipcsh -c 'cat <(exit 3) <(echo b) | (cat; exit 4) >/dev/null; echo "$? $IPCSH_GRAPHSTATUS"'
	assert_output '4 1=0 1.<1=3 1.<2=0 2=4'
	run ipcsh -c 'cat <(cat <(exit 5)); echo "$IPCSH_GRAPHSTATUS"'
	# a nested simple command is expanded with the job: its substitution is a node too
	assert_output '1=0 1.<1=0 1.<1.<1=5'
	run ipcsh -c 'tee >(exit 2) >(exit 0) </dev/null; echo "$IPCSH_GRAPHSTATUS"'
	assert_output '1=0 1.>1=2 1.>2=0'
	run ipcsh -c 'true; echo "$IPCSH_GRAPHSTATUS"; false | true; echo "$IPCSH_GRAPHSTATUS"'
	assert_output $'1=0\n1=1 2=0'
	# kept lazily after a lone command, but listed and exported as set
	run ipcsh -c 'false; set | grep ^IPCSH_GRAPHSTATUS=; export IPCSH_GRAPHSTATUS; (exit 3); env | grep ^IPCSH_GRAPHSTATUS='
	assert_output $'IPCSH_GRAPHSTATUS=1=1\nIPCSH_GRAPHSTATUS=1=3'
	# PIPESTATUS stays bash's: the main stages only
	script='cat <(exit 3) | (cat; exit 4) >/dev/null; echo "${PIPESTATUS[@]}"
		f() { return 5; }; f <(exit 6); echo "${PIPESTATUS[@]}"'
	run bash -c "$script"
	want=$output
	run ipcsh -c "$script"
	assert_output "$want"
	assert_output $'0 4\n5'
}

@test "with pipefail a failing substitution fails the pipeline (rightmost in plan order)" {
	run ipcsh -c 'cat <(exit 3) >/dev/null; echo $?'
	assert_output 0
	run ipcsh -o pipefail -c 'cat <(exit 3) >/dev/null; echo $?'
	assert_output 3
	run ipcsh -o pipefail -c 'cat <(exit 3) | (cat >/dev/null; exit 4); echo $?'
	assert_output 4
	run ipcsh -o pipefail -c 'cat <(exit 3) | cat <(exit 5) >/dev/null; echo $?'
	assert_output 5
	run ipcsh -o pipefail -c 'read x < <(exit 6); echo $?'
	assert_output 6
}

@test "a path the command never opens: no hang, the producer sees EPIPE, nothing left" {
	for t in pipe fifo sock mq shm msg tcp; do
		run timeout 20 "$IPCSH" -c "true <[$t](yes); echo \$IPCSH_GRAPHSTATUS; true >[$t](cat); echo \$IPCSH_GRAPHSTATUS"
		assert_success
		assert_output $'1=0 1.<1=141\n1=0 1.>1=0'
	done
	no_ipc_left
}

@test "no fd of a substitution outlives its job, in the shell or its children" {
	run ipcsh -c '
		true |[mq] true # the guardian of named objects comes once, and stays
		set -- /proc/$$/fd/*; before=$* # globbed here: a $( ) would race with its own pipe
		cat <(echo a) <[shm](echo b) >/dev/null; tee >[mq](cat) </dev/null
		f() { cat "$@"; }; f <(echo c) >/dev/null
		while read l; do :; done < <(echo d)
		for i in 1 2 3; do cat <[sock](echo $i) >/dev/null; done
		set -- /proc/$$/fd/*; after=$*
		[ "$before" = "$after" ] && echo same || echo "$before / $after"'
	assert_success
	assert_output same
	no_ipc_left
}

@test "a substitution that cannot be prepared fails that pipeline before anything starts" {
	# POSIX mq: at most a few queues per user with the default limits
	run --separate-stderr ipcsh -c 'cat <[mq:maxmsg=100000](echo a) && echo ran; echo "st=$?"'
	assert_output 'st=1'
	[[ $stderr == *"maxmsg"* ]]
	not_under_valgrind || { no_ipc_left; return 0; } # it holds RLIMIT_NOFILE
	# past the open file limit: one message naming the edge, nothing runs, the script goes on
	run --separate-stderr ipcsh -c 'ulimit -n 40
		cat <(touch ran) <(echo 2) <(echo 3) <(echo 4) <(echo 5) <(echo 6) <(echo 7) <(echo 8) \
			<(echo 9) <(echo 10) <(echo 11) <(echo 12) <(echo 13) <(echo 14) | wc -l
		echo "st=$?"'
	assert_output 'st=1'
	[ "$(echo "$stderr" | wc -l)" = 1 ]
	[[ $stderr == *"edge 1.<"*"Too many open files (past the open file limit: RLIMIT_NOFILE, ulimit -n 40)" ]] || { echo "$stderr"; false; }
	[ ! -e ran ]
	# 30 substitutions under ulimit -n 20, through a relay (shm), and in a for list
	subs=$(printf ' <(echo %d)' $(seq 30))
	run --separate-stderr ipcsh -c "ulimit -n 20
		cat <(touch ran)$subs; echo st=\$?
		cat <[shm](touch ran)${subs//</<[shm]}; echo st=\$?
		for f in <(touch ran)$subs; do echo body; done; echo st=\$?"
	assert_output $'st=1\nst=1\nst=1'
	[ "$(grep -c '^ipcsh: edge 1.<[0-9]*->1 (\(pipe\|shm\)): cannot create .*: Too many open files (past the open file limit: RLIMIT_NOFILE, ulimit -n 20)$' <<<"$stderr")" = 3 ] || { echo "$stderr"; false; }
	[ ! -e ran ]
	no_ipc_left
}

@test "--plan names every node and edge of the graph, as text, JSON and DOT" {
	run ipcsh --plan -c 'seq 9 |[shm] paste <(sort a) <[mq:lines](sort b | uniq) >(wc -l)'
	assert_success
	assert_output --partial '  node 2.<1: sort a'
	assert_output --partial '  node 2.<2: sort b | uniq'
	assert_output --partial '  node 2.>3: wc -l'
	assert_output --partial '  edge 1->2: shm size=1M'
	assert_output --partial '  edge 2.<1->2: pipe size=1M'
	assert_output --partial '  edge 2.<2->2: mq lines'
	assert_output --partial '  edge 2->2.>3: pipe size=1M'
	run ipcsh --plan=json -c 'cat <(cat <(echo a))'
	assert_success
	echo "$output" | python3 -c '
import json, sys
p = json.load(sys.stdin)["pipelines"][0]
nodes = [n["label"] for n in p["nodes"]]
edges = [(e["from"], e["to"], e["transport"]) for e in p["graph_edges"]]
assert nodes == ["1", "1.<1", "1.<1.<1"], nodes
assert edges == [("1.<1", "1", "pipe"), ("1.<1.<1", "1.<1", "pipe")], edges'
	run ipcsh --plan=dot -c 'a | b |[mq] c <(d)'
	assert_success
	assert_output --partial 'digraph ipcsh {'
	assert_output --partial '"p1.1" -> "p1.2"'
	assert_output --partial '"p1.3.<1" -> "p1.3" [label="pipe'
	dot_accepts "$output"
	# a linear pipeline, and a for list's substitutions
	run ipcsh --plan=dot -c 'seq 3 |[shm] cat; for f in <(echo a); do cat "$f"; done'
	assert_success
	assert_output --partial '"p1.1" -> "p1.2" [label="shm size=1M"];'
	assert_output --partial '"p2.1.<1" [label="1.<1: echo a", style=dashed];'
	assert_output --partial '"p2.1.<1" -> "p2.1" [label="pipe size=1M"];'
	dot_accepts "$output"
}

@test "-x and --stats cover the substitutions' edges" {
	run --separate-stderr ipcsh -x -c 'cat <[shm](echo a) >/dev/null'
	[[ $stderr == *"+ 1.<1 <[shm:size=1M](echo a) /dev/fd/"* ]] || { echo "$stderr"; false; }
	run --separate-stderr ipcsh --stats -c 'seq 100 | tee >[mq:lines](cat >/dev/null) >/dev/null'
	[[ $stderr == *"stats: edge 1->2 pipe"*"292 bytes"* ]] || { echo "$stderr"; false; }
	[[ $stderr == *"stats: edge 2->2.>1 mq"*"292 bytes"* ]] || { echo "$stderr"; false; }
	run --separate-stderr ipcsh --stats=json -c 'cat <(echo abc) >/dev/null'
	[[ $stderr == *'"edge":"1.<1->1","transport":"pipe"'*'"bytes":4'* ]] || { echo "$stderr"; false; }
	# a nested substitution's edge names the substitution it feeds
	run --separate-stderr timeout 20 "$IPCSH" --stats -c 'cat <(cat <[shm](echo a)) >/dev/null
		echo b | tee >(tee >[mq](cat) >/dev/null) >/dev/null'
	[[ $stderr == *"stats: edge 1.<1.<1->1.<1 shm"*"2 bytes"* ]] || { echo "$stderr"; false; }
	[[ $stderr == *"stats: edge 2.>1->2.>1.>1 mq"*"2 bytes"* ]] || { echo "$stderr"; false; }
}

@test "jobs -l lists the substitutions of a background job; kill ends them all" {
	run ipcsh -c '
		cat <(sleep 30) >(sleep 30) >/dev/null &
		jobs -l >jobs.out; sed -E "s/[0-9]{2,}/PID/g" jobs.out
		kill %1; wait; echo waited'
	assert_success
	assert_output --partial '(substitution 1.<1)'
	assert_output --partial '(substitution 1.>2)'
	assert_output --partial 'waited'
}

@test "interactive: Ctrl-Z stops the substitutions with the job, jobs -l lists them, bg, fg and Ctrl-C reach them" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	command -v pgrep >/dev/null || skip "pgrep (procps) is not installed"
	ish_start
	ish_type 'paste <(yes a) <[shm](yes b) >/dev/null'
	ish_keys Enter
	pg=$(ish_wait_fg_job)
	# paste, two substitutions, two shm relays: one process group
	ish_wait_for _pgrp_count_is "$pg" 5
	ish_keys C-z
	ish_wait '^\[1\]\+  Stopped +paste <\(yes a\)'
	ish_wait_for _pgrp_all_in "$pg" T
	ish_mark
	ish_run 'jobs -l'
	ish_output | grep -q '(substitution 1.<1)$'
	ish_output | grep -q '(substitution 1.<2)$'
	ish_output | grep -q '(relay of edge 1.<2->1)$'
	# bg continues every one of them, Ctrl-Z is then the group's again after fg
	ish_run 'bg'
	ish_wait_for _pgrp_none_in "$pg" T
	ish_type fg
	ish_keys Enter
	ish_wait_for _tty_fg_is "$pg"
	ish_keys C-z
	ish_wait_for _pgrp_all_in "$pg" T
	ish_type fg
	ish_keys Enter
	ish_wait_for _pgrp_none_in "$pg" T
	ish_wait_for _tty_fg_is "$pg"
	ish_mark
	ish_keys C-c
	ish_wait_prompt
	ish_wait_for _pgrp_dead "$pg"
	ish_run 'echo $?'
	[ "$(ish_output)" = 130 ]
}

@test "interactive: Ctrl-C reaches the substitution of a loop that ipcsh runs itself" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	ish_start
	ish_type 'while read l; do :; done < <(yes)'
	ish_keys Enter
	# the loop reads on (yes is running) until ^C, which ends yes and so the loop
	ish_wait_for _ish_tagged_yes
	ish_keys C-c
	ish_wait_prompt
	ish_run 'echo $IPCSH_GRAPHSTATUS'
	[ "$(ish_output)" = '1=0 1.<1=130' ]
}

_ish_tagged_yes() { pgrep -x -s "$ISH_PID" yes >/dev/null; }

@test "a remote stage inside a substitution: diff <(@h1 cat f) <(@h2 cat f)" {
	remote_keys "$BATS_TEST_TMPDIR"
	remote_start A
	remote_start B
	printf 'a\nb\n' >f1
	printf 'a\nc\n' >f2
	run "$IPCSH" -c "
		diff <(@127.0.0.1:$A_PORT cat $PWD/f1) <[shm](@127.0.0.1:$B_PORT cat $PWD/f2)
		echo \"st=\$? \$IPCSH_GRAPHSTATUS\""
	assert_output --partial $'< b\n---\n> c\nst=1 1=1 1.<1=0 1.<2=0'
}
