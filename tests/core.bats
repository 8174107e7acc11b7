#!/usr/bin/env bats
# The core language and executor, as a user sees them (SPEC §2, §3, §5, §7).

load common

setup() {
	cd "$BATS_TEST_TMPDIR" || exit 1
}

@test "-c runs a pipeline; \$0 and positional parameters" {
	run ipcsh -c 'echo "$0:$#:$1:$2"; seq 1 5 | tail -n 2 | tr "\n" " "' name a 'b c'
	assert_success
	assert_output "name:2:a:b c
4 5 "
}

# pid_of_last SHELL SCRIPT: "same" when the last command of -c SCRIPT (its
# `sh -c 'echo $$'`) ran as the shell's own process, else "forked".
pid_of_last() {
	local out
	out=$("$@" </dev/null) || return 1
	[ "$(sed -n 1p <<<"$out")" = "$(sed -n '$p' <<<"$out")" ] && echo same || echo forked
}

@test "-c: the last command execs in place of the shell, as bash's; not when something must follow" {
	local last='sh -c "echo \$\$"' c
	for c in "echo \$\$; $last" "echo \$\$; $last; true" \
		"trap 'echo >&2' EXIT; echo \$\$; $last" "echo \$\$; if true; then $last; fi" \
		"echo \$\$; ! $last"; do
		[ "$(pid_of_last ipcsh -c "$c")" = "$(pid_of_last bash -c "$c")" ] ||
			fail "ipcsh and bash differ on: $c"
	done
	[ "$(pid_of_last ipcsh -c "echo \$\$; $last")" = same ]
	[ "$(pid_of_last ipcsh -c "echo \$\$; $last; true")" = forked ]
	# with assignments and redirections too (bash forks there; sh's
	# subshells exec such a command in place as well)
	[ "$(pid_of_last ipcsh -c "echo \$\$; x=1 $last >/dev/stdout")" = same ]
	# ipcsh, unlike bash, stays while a job of its own runs or a
	# substitution may still report (it waits for them)
	[ "$(pid_of_last ipcsh -c "sleep 0.2 & echo \$\$; $last")" = forked ]
	[ "$(pid_of_last ipcsh -c "echo \$\$; $last <(true)")" = forked ]
	# a script file's last command is not exec'd (as in bash and dash)
	printf '%s\n' "echo \$\$; $last" >s.sh
	[ "$(pid_of_last ipcsh s.sh)" = forked ]
	# the status and -x are as before
	run ipcsh -xc 'sh -c "exit 7"'
	[ "$status" -eq 7 ]
	[ "$output" = "+ sh -c 'exit 7'" ]
}

@test "single quotes, double quotes, backslashes" {
	run ipcsh -c "x=val; echo 'a \$x' \"b \$x\" c\\ d \"e\\\"f\" 'g\"h'"
	assert_success
	assert_output 'a $x b val c d e"f g"h'
}

@test "parameter expansion: \${}, defaults, \$?, \$#, \$\$, \$!" {
	run ipcsh -c 'u=; echo "${u:-d1} ${unset-d2} ${u-notused}x ${#HOME}" ; false; echo $?; set -- a b c; echo $#; [ "$$" -gt 1 ] && echo pid-ok; sleep 0 & [ -n "$!" ] && echo bang-ok; wait'
	assert_success
	assert_line --index 0 "d1 d2 x ${#HOME}"
	assert_line --index 1 "1"
	assert_line --index 2 "3"
	assert_line --index 3 "pid-ok"
	assert_line --index 4 "bang-ok"
}

@test "prefix and suffix removal: \${x#p} \${x##p} \${x%p} \${x%%p}, quoted pattern characters literal" {
	run ipcsh -c 'f=/a/b/c.tar.gz; echo ${f#*/} ${f##*/} ${f%.*} ${f%%.*}; x="a*b"; p="*"; echo ${x#"a*"} ${x#a\*} ${x#a?} ${x#$p} "${x#"$p"}" ${nope%x}end'
	assert_success
	assert_line --index 0 'a/b/c.tar.gz c.tar.gz /a/b/c.tar /a/b/c'
	assert_line --index 1 'b b b a*b a*b end'
}

@test "PPID is the parent's pid, LINENO the line of the pipeline" {
	printf 'echo $LINENO\n\necho $LINENO |\ncat\n' >s
	run ipcsh s
	assert_success
	assert_output "$(printf '1\n3')"
	# LINENO is written out when looked at: in the environment, in `set`
	# (the line of `set`; bash says 2 there); an assignment lasts until the
	# next command, and unset, it is a plain variable (as bash).
	printf 'export LINENO\nenv | grep ^LINENO=\nset | grep ^LINENO=\nLINENO=x; echo $LINENO\necho $LINENO\nunset LINENO\necho "[$LINENO]"\n' >s
	run ipcsh s
	assert_success
	assert_output "$(printf 'LINENO=2\nLINENO=3\n4\n5\n[]')"
	# The shell that starts ipcsh prints its own pid, then ipcsh prints PPID.
	run bash -c 'echo $$; "$IPCSH" -c "echo \$PPID"; true'
	assert_success
	[ "${lines[0]}" = "${lines[1]}" ] || fail "$output"
}

@test "arithmetic expansion \$(( )): C operators, variables, assignments; an error ends the script" {
	run ipcsh -c 'x=5; echo $((1+2*3)) $(((1+2)*3)) $((x*2)) $(($x+1)) $((x+=3)) $x "$((0x10 | 010))" $((x > 3 ? $(echo 4) : 0)) $((0 && 1/0))'
	assert_success
	assert_output '7 9 10 6 8 8 24 4 0'
	run --separate-stderr ipcsh -c 'echo $((1 << 2)) | cat; echo $((7 / (x - x))); echo after'
	assert_failure 1
	assert_output '4'
	[[ $stderr == *'division by zero'* ]] || fail "$stderr"
	run --separate-stderr ipcsh -c 'echo $((1 +'
	assert_failure 2
	[[ $stderr == *"unterminated '\$(('"* ]] || fail "$stderr"
}

@test "tilde after = and after each : of an assignment, as bash does" {
	run ipcsh -c 'x=~/bin:~:"~/q":\~/s; echo "$x"; export P=~/b:y; sh -c "echo \$P"; echo a=~/c'
	assert_success
	assert_line --index 0 "$HOME/bin:$HOME:~/q:~/s"
	assert_line --index 1 "$HOME/b:y"
	assert_line --index 2 "a=$HOME/c"
}

@test "assignments alone are made left to right; before a command they are its environment" {
	run ipcsh -c 'a=1 b=$a c=${b}2; echo $a $b $c; d=4 sh -c "echo \$d"; echo "[$d]"'
	assert_success
	assert_line --index 0 '1 1 12'
	assert_line --index 1 '4'
	assert_line --index 2 '[]'
}

@test "an expansion error ends a script (status 1), but not the interactive shell's line" {
	run --separate-stderr ipcsh -c 'echo ${x:?is not set}; echo after'
	assert_failure 1
	[ -z "$output" ]
	[ "$stderr" = "ipcsh: x: is not set" ]
	run --separate-stderr ipcsh -c 'trap "echo trap ran" EXIT; y=${x:?}; echo after'
	assert_failure 1
	assert_output 'trap ran'
}

@test "\"\$@\" keeps arguments, \$* joins them, unquoted expansions split" {
	run ipcsh -c 'for_each() { :; }' 2>/dev/null
	run ipcsh -c 'printf "<%s>" "$@"; echo; printf "<%s>" $*; echo; printf "<%s>" "$*"; echo; v="1  2"; printf "<%s>" $v "$v"; echo' n 'a b' c
	assert_success
	assert_line --index 0 '<a b><c>'
	assert_line --index 1 '<a><b><c>'
	assert_line --index 2 '<a b c>'
	assert_line --index 3 '<1><2><1  2>'
}

@test "\"\$@\" with no parameters makes no field" {
	run ipcsh -c 'printf "<%s>" x "$@" y; echo'
	assert_output '<x><y>'
}

@test "command substitution, nested, with quotes, and its status" {
	run ipcsh -c 'echo "[$(echo "a  b")]" $(echo $(echo nested)); x=$(exit 3); echo $?'
	assert_success
	assert_line --index 0 '[a  b] nested'
	assert_line --index 1 '3'
}

@test "backquotes are command substitution, as in sh" {
	run ipcsh -c 'a=`echo 1`; echo "[`echo "x  y"`]" `echo \`echo nested\`` $a "`echo \$HOME`"'
	assert_success
	assert_output "[x  y] nested 1 $HOME"
	run ipcsh -c 'echo `echo a # a comment`'
	assert_output a
	run ipcsh -c 'cat <<E
`echo in` \`kept\` `echo \\$0`
E'
	assert_output 'in `kept` $0'
	run --separate-stderr ipcsh -c 'echo `echo |` ; echo ran'
	assert_failure 2
	[ -z "$output" ]
	[[ $stderr == *"line 1"*"syntax error"* ]] || fail "$stderr"
}

@test "tilde and globbing, quoted glob characters stay literal" {
	touch f1.txt f2.txt g.dat
	run ipcsh -c 'echo *.txt; echo "*.txt"; echo \*.txt; echo nomatch*; echo ~ ~/x' 
	assert_success
	assert_line --index 0 'f1.txt f2.txt'
	assert_line --index 1 '*.txt'
	assert_line --index 2 '*.txt'
	assert_line --index 3 'nomatch*'
	assert_line --index 4 "$HOME $HOME/x"
}

@test "redirections: < > >> 2>&1 >&- and order" {
	run --separate-stderr ipcsh -c 'echo one > o; echo two >> o; cat < o; ls /nonexistent-ipcsh 2>&1 >/dev/null | grep -c nonexistent; echo gone >&-; echo st=$?'
	assert_line --index 0 one
	assert_line --index 1 two
	assert_line --index 2 1
	assert_line --index 3 'st=1'
}

@test "redirections: <> opens read-write, >| truncates, <<< is a here-string" {
	run --separate-stderr ipcsh -c 'echo old >f; echo new >|f; cat f; echo x 1<>g; cat <>g; x="a  b"; tr a-z A-Z <<<"$x $HOME" |[shm] cat; cat 3<<<three <&3'
	assert_success
	assert_output "$(printf 'new\nx\nA  B %s\nthree' "${HOME^^}")"
}

@test "redirection to a missing file fails that stage with a message" {
	run --separate-stderr ipcsh -c 'cat < /nonexistent/x; echo st=$?'
	assert_output 'st=1'
	[[ $stderr == *"/nonexistent/x: No such file or directory"* ]]
}

@test "here-documents: expanded, quoted, <<- and on an fd" {
	run ipcsh -c 'v=V
cat <<EOF
a $v
EOF
cat <<"EOF"
b $v
EOF
cat <<-EOF
	c $v
	EOF
cat 3<<EOF <&3
d
EOF'
	assert_success
	assert_output 'a V
b $v
c V
d'
}

@test "exit statuses: 0 1 2 126 127 143 and !" {
	chmod -x "$BATS_TEST_TMPDIR" 2>/dev/null || true
	printf 'echo hi\n' > noexec; chmod 644 noexec
	run --separate-stderr ipcsh -c 'true; echo $?; false; echo $?; nonexistent-cmd-ipcsh; echo $?; ./noexec; echo $?; sh -c "kill \$\$"; echo $?; ! true; echo $?; ! false; echo $?'
	assert_line --index 0 0
	assert_line --index 1 1
	assert_line --index 2 127
	assert_line --index 3 126
	assert_line --index 4 143
	assert_line --index 5 1
	assert_line --index 6 0
	run ipcsh -c 'exit 7'
	assert_failure 7
}

@test "command not found: message and 127" {
	run -127 --separate-stderr ipcsh -c 'nonexistent-cmd-ipcsh arg'
	assert_equal "$stderr" "ipcsh: nonexistent-cmd-ipcsh: command not found"
	# said where the stage's stderr goes, after its redirections (as sh):
	# alone, in a pipeline, in a function, and for a directory (126)
	run --separate-stderr ipcsh -c 'nosuch-a 2>/dev/null; echo $?; nosuch-b 2>/dev/null | cat; echo $?
		f() { nosuch-c; }; f 2>/dev/null; echo $?; nosuch-d >out 2>&1; echo $?; /etc 2>/dev/null; echo $?'
	assert_success
	assert_equal "$stderr" ""
	assert_output $'127\n0\n127\n127\n126'
	assert_equal "$(cat out)" "ipcsh: nosuch-d: command not found"
}

@test "pipefail: rightmost failing stage" {
	run ipcsh -c 'sh -c "exit 3" | sh -c "exit 4" | true; echo $?'
	assert_output 0
	run ipcsh -o pipefail -c 'sh -c "exit 3" | sh -c "exit 4" | true; echo $?'
	assert_output 4
	run ipcsh -c 'set -o pipefail; sh -c "exit 3" | true; echo $?; set +o pipefail; sh -c "exit 3" | true; echo $?'
	assert_output '3
0'
}

@test "&& and || and -e" {
	run ipcsh -c 'false && echo no || echo yes; true && echo and'
	assert_output 'yes
and'
	run ipcsh -e -c 'echo before; false; echo after'
	assert_failure 1
	assert_output before
	run ipcsh -e -c 'false || true; ! true; false && true; echo survived'
	assert_success
	assert_output survived
}

@test "-n parses only; a syntax error runs nothing and names the line" {
	run --separate-stderr ipcsh -n -c 'touch should-not-exist'
	assert_success
	[ ! -e should-not-exist ]
	printf 'touch created\necho ok\necho bad |\n| x\n' > bad.ipcsh
	run --separate-stderr ipcsh bad.ipcsh
	assert_failure 2
	[ ! -e created ]
	[[ $stderr == "ipcsh: bad.ipcsh: line 4: column 1: syntax error"* ]]
	run --separate-stderr ipcsh -c 'echo a; echo )'
	assert_failure 2
	assert_output ''
	[[ $stderr == "ipcsh: -c: line 1: column 14: syntax error"*")"* ]]
}

@test "a bad edge option is a syntax error and nothing runs" {
	run --separate-stderr ipcsh -c 'touch ran; echo x |[nosuch] cat'
	assert_failure 2
	[ ! -e ran ]
	[[ $stderr == *"unknown transport 'nosuch'"* ]]
	run --separate-stderr ipcsh -c 'touch ran; echo x |[shm:size=-1] cat'
	assert_failure 2
	[ ! -e ran ]
	run --separate-stderr ipcsh -c 'touch ran; echo x |[pipe:bogus=1] cat'
	assert_failure 2
	[[ $stderr == *"unknown option 'bogus'"* ]]
}

@test "| [ is a pipe into the [ command" {
	run ipcsh -c 'echo x | [ -f /etc/passwd ] && echo yes'
	assert_output yes
}

@test "pipeline file with shebang and arguments" {
	printf '#!/usr/bin/env ipcsh\n# comment\necho "$0 $1 $2" | tr a-z A-Z\n' > s.ipcsh
	chmod +x s.ipcsh
	run ipcsh s.ipcsh x y
	assert_output 'S.IPCSH X Y'
	mkdir -p bin && ln -sf "$IPCSH" bin/ipcsh
	PATH="$PWD/bin:$PATH" run ./s.ipcsh p q
	assert_output './S.IPCSH P Q'
}

@test "script on stdin" {
	run bash -c "printf 'echo one\necho two | tr o 0\n' | '$IPCSH'"
	assert_output 'one
tw0'
}

@test "trap EXIT runs at the end, and on exit N; trap INT" {
	run ipcsh -c 'trap "echo bye" EXIT; echo hi'
	assert_output 'hi
bye'
	run ipcsh -c 'trap "echo bye \$?" EXIT; exit 4'
	assert_failure 4
	assert_output 'bye 4'
	run ipcsh -c 'trap "echo caught" INT; sh -c "kill -INT $$"; echo after'
	assert_output 'caught
after'
}

@test "variables: export to commands, assignment prefixes, unset" {
	run ipcsh -c 'A=1; export B=2; C=3 sh -c "echo \${A:-none} \$B \$C"; echo ${C:-unset}; unset B; sh -c "echo \${B:-gone}"'
	assert_output 'none 2 3
unset
gone'
}

@test "built-ins: cd, shift, set --, echo -n, exec with redirections" {
	run ipcsh -c 'cd /tmp && pwd; set -- a b c; shift; echo "$@"; shift 2; echo "n=$#"; echo -n x; echo y; exec 3>out3; echo via3 >&3; exec 3>&-; cat out3'
	assert_output '/tmp
b c
n=0
xy
via3'
}

@test "a built-in inside a pipeline runs in a child" {
	run ipcsh -c 'x=1; echo hi | read_into_nothing=1 cat; cd / | true; pwd' 
	assert_output "hi
$BATS_TEST_TMPDIR"
}

@test "exec replaces the shell" {
	run ipcsh -c 'exec sh -c "echo replaced"; echo not-here'
	assert_output replaced
}

@test "source runs a file in this shell with arguments" {
	printf 'V=from-source\necho "sourced $1"\n' > lib.ipcsh
	run ipcsh -c '. ./lib.ipcsh arg; echo $V; source ./lib.ipcsh'
	assert_output 'sourced arg
from-source
sourced '
}

@test "background jobs in a script: & \$! wait %1 and wait PID statuses" {
	run ipcsh -c 'sh -c "exit 5" & p=$!; wait $p; echo $?; sh -c "exit 6" & wait %1; echo $?'
	assert_output '5
6'
}

@test "cd is logical by default (cd link; cd .. comes back), -P physical; pwd -L/-P" {
	mkdir -p real/sub
	ln -s real/sub link
	run ipcsh -c 'cd link; pwd; echo "$PWD"; pwd -P; cd ..; pwd; cd -P link; pwd; cd - >/dev/null; cd ./link/../link/.; pwd'
	assert_success
	local log=$PWD phys
	phys=$(pwd -P)
	assert_output "$(printf '%s\n%s\n%s\n%s\n%s\n%s' "$log/link" "$log/link" "$phys/real/sub" "$log" \
		"$phys/real/sub" "$log/link")"
	run --separate-stderr ipcsh -c 'cd -Q'
	assert_failure 2
}

@test "set -u, -f, -C (and -o nounset/noglob/noclobber); set -euo pipefail as bash scripts begin" {
	touch f1 f2
	run --separate-stderr ipcsh -c 'set -euo pipefail; echo "$-" ${u-d} ${u:+x}y; echo $u; echo after'
	assert_failure 1
	assert_output 'eu d y'
	[ "$stderr" = "ipcsh: u: unbound variable" ]
	run ipcsh -c 'set -f; echo f*; set +f; echo f*; set -o noglob; echo f*'
	assert_output "$(printf 'f*\nf1 f2\nf*')"
	run --separate-stderr ipcsh -c 'set -C; echo a >new; echo b >new; cat new; echo c >|new; cat new; echo d >/dev/null; set +C; echo e >new; cat new'
	assert_success
	assert_output "$(printf 'a\nc\ne')"
	[[ $stderr == *"new: cannot overwrite existing file"* ]] || fail "$stderr"
	run ipcsh -c 'set -o nounset -o noclobber; set -o'
	# bash's layout: the name padded to 15, a tab, on/off
	assert_line "$(printf '%-15s\t%s' nounset on)"
	assert_line "$(printf '%-15s\t%s' noclobber on)"
	assert_line "$(printf '%-15s\t%s' noglob off)"
}

@test "readonly: an assignment to it ends a script, unset refuses it, readonly -p lists it" {
	run --separate-stderr ipcsh -c 'readonly R=1 S; echo $R; unset R; echo "unset:$? $R"; readonly -p; R=2; echo notreached'
	assert_failure 1
	assert_output "$(printf "1\nunset:1 1\nreadonly R=1\nreadonly S=''")"
	[[ $stderr == *"unset: R: readonly variable"*"R: readonly variable"* ]] || fail "$stderr"
}

@test "read (IFS splitting, -r, REPLY, EOF status), with a built-in's IFS=... prefix" {
	printf 'l1\nl2\n' >two
	run ipcsh -c 'read a b <<<"  one two  three  "; echo "[$a][$b]"; IFS=: read a b c <<<"x::y"; echo "[$a][$b][$c]"
read -r r <<<"a\\tb"; read e <<<"a\\ b"; echo "[$r][$e]"; IFS= read -r l <<<"  sp  "; echo "[$l]"
read <<<"  keep  "; echo "[$REPLY]"; read x <two; echo "$x"; read x </dev/null; echo "rc=$? [$x]"'
	assert_success
	assert_output "$(printf '%s\n' '[one][two  three]' '[x][][y]' '[a\tb][a b]' '[  sp  ]' '[  keep  ]' l1 'rc=1 []')"
}

@test "ulimit reads and sets limits for the shell and what it starts" {
	not_under_valgrind || skip "valgrind holds RLIMIT_NOFILE"
	run ipcsh -c 'ulimit -n 512; ulimit -n; sh -c "ulimit -n"; ulimit -S -n 256; ulimit -n; ulimit -Hn; ulimit -a | grep -c "(-n)"'
	assert_success
	assert_output "$(printf '512\n512\n256\n512\n1')"
	run --separate-stderr ipcsh -c 'ulimit -n lots'
	assert_failure 1
	[[ $stderr == *"ulimit: lots: invalid limit"* ]] || fail "$stderr"
}

@test ": umask command -v type" {
	run ipcsh -c ': ${x:=dflt}; echo $x; umask 027; umask; umask -S; command -v ls cd; command -V cd; type ls'
	assert_success
	assert_output "$(printf '%s\n' dflt 0027 'u=rwx,g=rx,o=' "$(command -v ls)" cd 'cd is a shell builtin' "ls is $(command -v ls)")"
	run --separate-stderr ipcsh -c 'umask 9'
	assert_failure 1
	run --separate-stderr ipcsh -c 'type no-such-cmd-xyz'
	assert_failure 1
	[[ $stderr == *"type: no-such-cmd-xyz: not found"* ]] || fail "$stderr"
}

@test "kill sends signals; kill -l lists them" {
	run ipcsh -c 'sleep 30 & kill $!; wait $!; echo $?'
	assert_output 143
	run ipcsh -c 'kill -l'
	assert_line --partial 'SIGTERM'
	# kill -l N names a signal (or a status above 128), kill -l NAME numbers it.
	run ipcsh -c 'kill -l 15 143 TERM SIGINT'
	assert_success
	assert_output "$(printf 'TERM\nTERM\n15\n2')"
	run --separate-stderr ipcsh -c 'kill -l 99'
	assert_failure 1
}

@test "unknown option: one line on stderr pointing to --help, exit 2; --help and --version exit 0" {
	run --separate-stderr ipcsh --verison
	assert_failure 2
	[ "$stderr" = "ipcsh: unknown option '--verison' (ipcsh --help lists the options)" ]
	run ipcsh --help
	assert_success
	assert_line --partial 'usage: ipcsh'
	run ipcsh --version
	assert_success
	assert_output --regexp '^ipcsh [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an exec'd stage sees only fds 0 1 2" {
	# Close everything bats gives us so only ipcsh's own fds could leak.
	FDS="$IPCSH_BUILD/tests/helpers/fds"
	run bash -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null
		"$IPCSH" -c "$0 | cat; seq 3 | $0 | cat; echo hi | $0 -t > t.txt; cat t.txt; $0 < /dev/null"' "$FDS"
	assert_success
	assert_line --index 0 '0 1 2'
	assert_line --index 1 '0 1 2'
	assert_line --index 2 --regexp '^0:pipe 1:file 2:[a-z]+$'
	assert_line --index 3 '0 1 2'
}

@test "fds ipcsh inherited pass through to stages, as in sh" {
	FDS="$IPCSH_BUILD/tests/helpers/fds"
	run bash -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null
		exec 5</dev/null; "$IPCSH" -c "$0 | cat"' "$FDS"
	assert_output '0 1 2 5'
}

@test "a forked built-in stage holds only 0 1 2 and the fds ipcsh inherited or the script opened" {
	# The forked stage closes ipcsh's own fds with poll() over the numbers
	# up to the parent's highest (fd_snapshot): 300 stages put them high.
	# 3 is the glob's own directory.
	cmd="true"
	for _ in $(seq 300); do cmd="$cmd | cat"; done
	run bash -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null
		exec 5</dev/null; "$IPCSH" -c "exec 7</dev/null; $0 | { for f in /proc/self/fd/*; do printf \"%s \" \${f##*/}; done; echo; } | cat
			true |[sock] { for f in /proc/self/fd/*; do printf \"%s \" \${f##*/}; done; echo; } | cat"' "$cmd"
	assert_success
	assert_line --index 0 '0 1 2 3 5 7 '
	assert_line --index 1 '0 1 2 3 5 7 '
}

@test "a lone forked stage starts on ipcsh's CPU but keeps every CPU it may use, and so does ipcsh" {
	# near_begin (pipeline.c) narrows ipcsh's mask for the fork only.
	[ "$(nproc)" -ge 2 ] || skip "one CPU"
	run taskset -c 0,1 "$IPCSH" -c 'echo x | { read a; sh -c "grep Cpus_allowed_list /proc/\$PPID/status"; }
		echo y |[shm] { read a; sh -c "grep Cpus_allowed_list /proc/\$PPID/status"; }
		grep Cpus_allowed_list /proc/$$/status'
	assert_success
	assert_output "$(printf 'Cpus_allowed_list:\t0-1\n%.0s' 1 2 3)"
}

@test "an exec'd stage gets default SIGPIPE and an empty signal mask" {
	run bash -c 'trap "" PIPE; "$IPCSH" -c "yes | head -1; grep -E \"^Sig(Blk|Ign)\" /proc/self/status"'
	assert_success
	assert_line --index 0 y
	assert_line --index 1 --regexp '^SigBlk:[[:space:]]+0+$'
}

@test "a 100-stage pipeline" {
	cmd="seq 1 1000"
	for _ in $(seq 99); do cmd="$cmd | cat"; done
	run ipcsh -c "$cmd | wc -l"
	assert_success
	assert_output 1000
}

@test "--plan prints stages and edges unexpanded and runs nothing" {
	run ipcsh --plan -c 'touch ran; seq 3 |[shm:size=4M] grep $X > out && echo "$HOME" | cat'
	assert_success
	[ ! -e ran ]
	assert_line --partial 'edge 1->2: shm size=4M'
	assert_line --partial 'stage 2: grep $X 1>out'
	assert_line --partial 'stage 1: echo "$HOME"'
	run ipcsh -t mq:lines --plan=json -c 'a | b |[sock] c'
	assert_success
	python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); e=d["pipelines"][0]["edges"]; assert e[0]["transport"]=="mq" and e[0]["options"]=={"lines":True}, e; assert e[1]["transport"]=="sock"' <<<"$output"
}

@test "-x prints each pipeline with expanded argv and edge options" {
	run --separate-stderr ipcsh -x -c 'v="a b"; echo $v | cat'
	assert_output 'a b'
	[[ $stderr == *"+ echo a b |[pipe:size="*"] cat"* ]]
}

@test "-t sets what a bare | means; a bad -t is an error" {
	run --separate-stderr ipcsh -x -t 'pipe:size=64K' -c 'echo hi | cat'
	assert_output hi
	[[ $stderr == *"|[pipe:size=64K] cat"* ]]
	run --separate-stderr ipcsh -t bogus -c 'true'
	assert_failure 2
}

@test "no zombie and flat fd count over many pipelines in one ipcsh" {
	# The listing stage waits until ipcsh has closed its copies of the
	# stage's own fds (ipcsh closes them right after spawning).
	script='sh -c "sleep 0.3; ls /proc/\$PPID/fd" > before'
	for _ in $(seq 200); do script="$script
seq 10 | cat |[pipe:size=64K] cat >/dev/null"; done
	script="$script
sh -c \"sleep 0.3; ls /proc/\\\$PPID/fd\" > after
ps -o stat= --ppid \$\$ | grep -c Z"
	run ipcsh -c "$script"
	assert_output 0
	run diff before after
	assert_success
}

@test "without job control a background job reads /dev/null" {
	run bash -c 'echo from-stdin | "$IPCSH" -c "cat & wait; echo done"'
	assert_output done
}

@test "a syntax error in any compound command runs nothing, and names line, column and token" {
	local c
	for c in 'if true; then echo x; fi fi' 'while true; do done' 'for i in a; do echo; dne' \
		'case x in a) echo;; b c) ;; esac' '{ echo a; } b' '( )' 'f() echo' \
		'until false; do echo; done; done' 'if true; then echo; else; fi'; do
		run --separate-stderr ipcsh -c "touch ran
$c"
		assert_failure 2
		[ ! -e ran ]
		[[ $stderr == "ipcsh: -c: line 2: column "[0-9]*": syntax error"* ]]
	done
	run --separate-stderr ipcsh -c 'touch ran
if true; then echo x; fi fi'
	[[ $stderr == "ipcsh: -c: line 2: column 26: syntax error near 'fi'" ]]
	run ipcsh -c 'echo if then fi; a=if; echo $a'
	assert_output 'if then fi
if'
}

@test "a FIFO redirection is opened by the stage, never blocking ipcsh" {
	mkfifo ff
	run timeout 20 "$IPCSH" -c 'cat < ff > got & echo through-fifo > ff; wait; cat got'
	assert_success
	assert_output through-fifo
}

@test "PWD is set at start when the environment lacks it" {
	run env -u PWD "$IPCSH" -c 'echo "$PWD"'
	assert_output "$PWD"
}

@test "found commands are remembered, and searched again when PATH changes or they vanish" {
	mkdir -p d1 d2
	printf '#!/bin/sh\necho one\n' > d1/prog; printf '#!/bin/sh\necho two\n' > d2/prog
	chmod +x d1/prog d2/prog
	run ipcsh -c "PATH=$PWD/d1:$PWD/d2:\$PATH; prog; prog | cat; rm d1/prog; prog; PATH=$PWD/d2:\$PATH; prog"
	assert_output 'one
one
two
two'
}

@test "wait rejects what is not a pid or a job spec" {
	run --separate-stderr ipcsh -c 'sleep 0 & wait 12abc; echo $?; wait %99999999999999999999; echo $?'
	assert_output '2
127'
	[[ $stderr == *"'12abc': not a pid or valid job spec"* ]]
}

@test "a long pipeline of programs (started two at a time) keeps order, statuses and pipefail" {
	cmd="seq 1 2000"
	for _ in $(seq 30); do cmd="$cmd | cat"; done
	run --separate-stderr ipcsh -o pipefail -c "$cmd | tail -n 1; $cmd | sh -c 'exit 3' | cat; echo \$?; $cmd | nonexistent-ipcsh-cmd | cat; echo \$?"
	assert_line --index 0 2000
	assert_line --index 1 3
	assert_line --index 2 127
}

@test "a here-document expands \$@ as one word, as bash does" {
	run ipcsh -c 'set -- a b; cat <<E
[$@] $1
E' 
	assert_output '[a b] a'
}
