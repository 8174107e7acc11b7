#!/usr/bin/env bats
# The shell language (SPEC §3; issue 12): compound commands, functions and
# control flow, and a transport on any pipe — inside loops, functions,
# groups and subshells, and with a compound command as a stage.
load common

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	IPC_BEFORE=$(ipc_snapshot)
}

@test "if/elif/else, while, until, for (with and without in), case" {
	run ipcsh -c '
		for x in 1 2 3; do
			if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; else echo other; fi
		done
		n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo n=$n
		until [ $n -eq 0 ]; do n=$((n-1)); done; echo n=$n
		set -- a "b c"; for p; do echo "[$p]"; done
		for w in foo bar.txt "x y"; do
			case $w in f*) echo "f:$w";; *.txt|*.md) echo "doc:$w";; "x y") echo quoted;; esac
		done'
	assert_success
	assert_output 'one
two
other
n=3
n=0
[a]
[b c]
f:foo
doc:bar.txt
quoted'
}

@test "break N, continue N, return N and exit unwind to their construct" {
	run ipcsh -c '
		for i in 1 2 3; do
			for j in a b c; do
				[ $j = b ] && continue 2
				[ $i = 3 ] && break 2
				echo $i$j
			done
		done
		f() { for k in 1 2; do return $((k + 6)); done; echo never; }
		f; echo "f=$?"
		g() { ( exit 3 ); echo "sub=$?"; exit 5; echo never; }
		g; echo never'
	assert_failure 5
	assert_output '1a
2a
f=7
sub=3'
}

@test "functions: arguments, recursion, redefinition, a function as a pipeline stage" {
	run ipcsh -c '
		fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
		fact 10
		count() { echo "$#:$1:$2"; }
		count "a b" c d
		f() { echo old; }; f() { echo new; }; f
		emit() { seq 1 5; }
		total() { s=0; while read -r n; do s=$((s + n)); done; echo "sum=$s"; }
		emit |[sock] total
		emit |[shm] total
		emit |[mq:lines] total'
	assert_success
	assert_output '3628800
3:a b:c
new
sum=15
sum=15
sum=15'
	no_ipc_left
}

@test "runaway recursion stops at the nesting limit with an error, not a crash" {
	run --separate-stderr ipcsh -c 'f() { f; }; f; echo unreachable'
	assert_failure 1
	[[ $stderr == *"f: maximum function nesting level exceeded"* ]]
	run --separate-stderr ipcsh -c 'FUNCNEST=5; d=0; f() { d=$((d+1)); f; }; f; echo unreachable'
	assert_failure 1
	[[ $stderr == *"(5)"* ]]
}

@test "a compound command is a stage on any transport: groups, loops, subshells" {
	printf 'b\na\nc\n' > in.txt
	run ipcsh -c '
		{ echo a; echo b; } |[shm] tr a-z A-Z
		while read -r l; do echo "<$l>"; done < in.txt |[mq:lines] sort
		( cd /; pwd ) |[sock] cat
		for i in 3 1 2; do echo $i; done |[fifo] sort -n | { read -r first; echo "first=$first"; }
		if true; then seq 3; fi |[pipe] wc -l
		case x in x) echo case-stage;; esac |[shm:size=64K] cat'
	assert_success
	assert_output 'A
B
<a>
<b>
<c>
/
first=1
3
case-stage'
	no_ipc_left
}

@test "transports inside loops, functions, groups and subshells" {
	run ipcsh -c '
		for i in 1 2 3; do seq $i |[shm] wc -l; done
		f() { echo "in f" |[mq:lines] cat; }; f; f
		{ echo grp |[sock] cat; }
		( echo sub |[fifo] cat )'
	assert_success
	assert_output '1
2
3
in f
in f
grp
sub'
	no_ipc_left
}

@test "a compound stage is part of the job: its status, pipefail, ! and &&" {
	run ipcsh -c '{ echo x; exit 3; } |[shm] cat; echo "st=$?"'
	assert_output 'x
st=0'
	run ipcsh -o pipefail -c '{ echo x; exit 3; } |[shm] cat; echo "st=$?"'
	assert_output 'x
st=3'
	run ipcsh -c 'echo a | while read -r l; do exit 4; done; echo "st=$?"'
	assert_output 'st=4'
	run ipcsh -c '! { false; } && echo negated'
	assert_output negated
	run ipcsh -c 'x=1; echo | { x=2; }; echo "x=$x"; { x=3; }; echo "x=$x"; (x=4); echo "x=$x"'
	assert_output 'x=1
x=3
x=3'
}

@test "redirections on compound commands apply to the whole command and are undone" {
	printf '1\n2\n' > in.txt
	run ipcsh -c '
		{ echo out; echo err >&2; } > both.txt 2>&1
		while read -r n; do echo "n$n"; done < in.txt > loop.txt
		if true; then echo if-out; fi >> loop.txt
		f() { echo "f:$1"; } > f.txt
		f arg
		echo after
		cat both.txt loop.txt f.txt'
	assert_success
	assert_output 'after
out
err
n1
n2
if-out
f:arg'
}

@test "--stats and -x cover the edges of pipelines inside compound commands" {
	run --separate-stderr ipcsh --stats -c 'for i in 1 2; do seq 100 |[shm] wc -l; done'
	assert_output '100
100'
	[ "$(grep -c 'edge 1->2 shm' <<<"$stderr")" -eq 2 ]
	run --separate-stderr ipcsh --stats -c 'f() { seq 10; }; f |[mq:lines] wc -l'
	assert_output 10
	[[ $stderr == *"edge 1->2 mq"*"21 bytes"* ]]
	run --separate-stderr ipcsh -x -c 'for i in 1 2; do echo $i |[sock] cat; done |[shm] cat'
	assert_output '1
2'
	[[ $stderr == *"+ for i in 1 2; do echo \$i |[sock] cat; done |[shm:size=1M] cat"* ]]
	[[ $stderr == *"+ echo 1 |[sock"*"] cat"* ]]
	[[ $stderr == *"+ echo 2 |[sock"*"] cat"* ]]
}

@test "--plan shows the pipelines inside loops, functions, groups and subshells" {
	run ipcsh --plan -c 'touch ran
f() { seq 3 |[shm] cat; }
while read -r l; do echo "$l" |[mq:lines] cat; done < x |[sock] sort
( a |[fifo] b )'
	assert_success
	[ ! -e ran ]
	assert_line 'pipeline 3 (line 2), in function f: seq 3 |[shm] cat'
	assert_line '  stage 1: while: while read -r l; do echo "$l" |[mq:lines] cat; done 0<x'
	assert_line 'pipeline 6 (line 3), in pipeline 4 stage 1 (while): echo "$l" |[mq:lines] cat'
	assert_line '  edge 1->2: mq lines'
	assert_line 'pipeline 8 (line 4), in pipeline 7 stage 1 (subshell): a |[fifo] b'
	run ipcsh --plan=json -c 'for i in 1; do a |[shm] b; done'
	python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); p=d["pipelines"]; assert p[0]["stages"][0]["kind"]=="for", p; assert p[1]["in"]=="pipeline 1 stage 1 (for)" and p[1]["edges"][0]["transport"]=="shm", p' <<<"$output"
}

@test "set -e: a failing command ends the script, not in a condition, && head or !" {
	run ipcsh -e -c 'if false; then :; fi; while false; do :; done; false || true; ! true
		f() { false; echo "not reached in f"; }; f || echo "f failed"
		{ false; echo never; }; echo never'
	assert_failure 1
	assert_output 'not reached in f'
}

@test "reserved words are plain words outside command position" {
	run ipcsh -c 'echo if then else fi do done case esac in { } !; a=while; echo $a; for for in in; do echo $for; done'
	assert_output 'if then else fi do done case esac in { } !
while
in'
}

@test "eval and . return control codes: break in eval, return in a sourced file" {
	printf 'echo in-file\nreturn 4\necho never\n' > lib.sh
	run ipcsh -c 'for i in 1 2 3; do eval "[ \$i = 2 ] && break"; echo $i; done
		. ./lib.sh; echo "st=$?"
		eval "f() { echo from-eval; }"; f'
	assert_output '1
in-file
st=4
from-eval'
}

@test "a syntax error anywhere in a file runs nothing of it" {
	printf 'touch ran\nfor i in 1 2; do\n  echo $i\ndone\ncase x in\n  a) echo;;\n  b c) echo;;\nesac\n' > bad.ipcsh
	run --separate-stderr ipcsh bad.ipcsh
	assert_failure 2
	[ ! -e ran ]
	[ "$stderr" = "ipcsh: bad.ipcsh: line 7: column 5: syntax error near 'c'" ]
	run ipcsh -n bad.ipcsh
	assert_failure 2
}

@test "case inside \$( ) and backquotes: the grammar closes the substitution" {
	run ipcsh -c 'echo $(case x in x) echo y;; esac) "$(case a in (a|b) echo z;; esac)" `case q in q) echo w;; esac`'
	assert_success
	assert_output 'y z w'
}

@test "a trap runs its action for any signal, not only the usual ones" {
	run ipcsh -c 'trap "echo got WINCH" WINCH; trap "echo got USR1" USR1; trap "echo got CONT" CONT; kill -WINCH $$; kill -USR1 $$; kill -CONT $$; echo after'
	assert_success
	assert_output 'got WINCH
got USR1
got CONT
after'
}
