#!/usr/bin/env bats
# Built-ins (SPEC §3, issue 12 point 3), each case judged against dash and
# bash running the same text: `agree 'TEXT'` runs it under both, requires
# that they agree (stdout and status), then that ipcsh prints and returns
# the same. `like_bash` is for what POSIX leaves open, where ipcsh does as
# bash does; `like_dash` where bash's answer is not POSIX's (trap's SIGINT). Only stdout and the status are compared: messages differ in
# wording between every shell.

load common

setup() {
	cd "$BATS_TEST_TMPDIR" || exit 1
}

# Run TEXT under SHELL; "status:N" then the output.
under() {
	local out st
	out=$("$@" 2>/dev/null)
	st=$?
	printf 'status:%s\n%s' "$st" "$out"
}

# The text must be valid sh for the shells it is judged against.
syntax_ok() {
	local sh
	for sh in "$@"; do
		"$sh" -n -c "$TEXT" 2>/dev/null || fail "$sh: syntax error in the test: $TEXT"
	done
}

agree() {
	local d b i
	TEXT=$1 syntax_ok dash bash
	d=$(under dash -c "$1")
	b=$(under bash -c "$1")
	[ "$d" = "$b" ] || fail "dash and bash disagree on: $1"$'\n'"dash: $d"$'\n'"bash: $b"
	i=$(under ipcsh -c "$1")
	[ "$i" = "$b" ] || fail "ipcsh differs on: $1"$'\n'"want: $b"$'\n'"got:  $i"
}

like_dash() {
	local d i
	TEXT=$1 syntax_ok dash
	d=$(under dash -c "$1")
	i=$(under ipcsh -c "$1")
	[ "$i" = "$d" ] || fail "ipcsh differs from dash on: $1"$'\n'"want: $d"$'\n'"got:  $i"
}

like_bash() {
	local b i
	TEXT=$1 syntax_ok bash
	b=$(under bash -c "$1")
	i=$(under ipcsh -c "$1")
	[ "$i" = "$b" ] || fail "ipcsh differs from bash on: $1"$'\n'"want: $b"$'\n'"got:  $i"
}

# ---- printf ----------------------------------------------------------------

@test "printf: integer conversions, flags, width, precision" {
	agree "printf '%d|%5d|%-5d|%05d|%+d|% d|%.3d\n' 42 42 42 42 42 42 5"
	agree "printf '%i %o %u %x %X %#x %#o\n' -7 8 9 255 255 255 8"
	agree "printf '%x %u\n' -1 -1"
	agree "printf '%d %d %d\n' 0x1f 010 -0x10"
}

@test "printf: floating point, strings, characters, %%" {
	agree "printf '%e|%f|%g|%.2f|%10.3e|%G\n' 3.14159 3.14159 0.0001 2.5 12345.678 1e-10"
	agree "printf '%s|%10s|%-10s|%.2s|%c|%5c|%5.1s|%%\n' hello hi hi hello xyz y abc"
}

@test "printf: * width and precision from arguments" {
	agree "printf '%*d|%-*d|%.*f|%*s|\n' 5 1 4 2 2 3.14159 -4 ab"
	agree "printf '[%*s][%-*d][%*d]\n' -3 a -4 5 -1 7"
}

@test "printf: the format is reused for extra arguments; missing ones are empty or 0" {
	agree "printf '%s\n' a b c"
	agree "printf '%s=%s\n' a 1 b"
	agree "printf 'none %s%d|\n'"
	agree "printf 'x\n' a b"
}

@test "printf: escapes in the format and in %b, \\c stops the output" {
	agree "printf 'x\101y\tz\\\\\n'"
	agree "printf '%b|%b|%b\n' 'a\tb' 'c\0101d' 'e\\\\f'"
	agree "printf '%b' 'stop\cnever' more; echo"
	agree "printf '%5b|%-5b|\n' 'a\n' b"
	local t
	t=$(cat <<'E'
printf '%b|%b|%b|%b|%b|\n' '\101' '\x41' '\q' '\"' "\\'"
printf '\"\x41\n'
E
)
	like_bash "$t"
}

@test "printf: 'c is the character's code" {
	agree "printf '%d %d %x\n' \"'A\" '\"B' \"'a\""
}

@test "printf: a bad number is reported, status 1, output goes on" {
	agree "printf '%d|' abc 12abc 7; echo; printf '%f|\n' zz"
	run --separate-stderr ipcsh -c "printf '%d|%s\n' 3x y"
	assert_failure 1
	assert_output '3|y'
	[[ $stderr == *"3x"* ]] || fail "no message: $stderr"
}

@test "printf: an invalid conversion is an error; no format is an error" {
	run --separate-stderr ipcsh -c "printf 'a%kb\n'"
	assert_failure 1
	[[ $stderr == *"invalid format character"* ]] || fail "$stderr"
	run ipcsh -c 'printf'
	assert_failure 2
}

@test "printf is a built-in (in type's words and by running without PATH)" {
	run ipcsh -c 'type printf; PATH=/nonexistent; printf "%s\n" ok'
	assert_success
	assert_output "$(printf 'printf is a shell builtin\nok')"
}

@test "echo -e: bash's escapes, \\xHH and \\0nnn, \\c stops" {
	like_bash "echo -e 'a\\x41\\x4g\\x|\\0101|\\101|\\e|\\E|\\q' | od -c; echo -e 'x\\cy'; echo -n -e 'n\\t'; echo"
}

# ---- test / [ ----------------------------------------------------------------

@test "test: POSIX's rules for 0 to 4 arguments" {
	agree 'test; echo $?; test ""; echo $?; test x; echo $?; test -n; echo $?; test !; echo $?'
	agree 'test ! x; echo $?; test ! ""; echo $?; test -z ""; echo $?; test -n ""; echo $?'
	agree 'test = = =; echo $?; test ! = x; echo $?; test "(" x ")"; echo $?; test -a -a -a; echo $?'
	agree 'test ! -z x; echo $?; test ! x = y; echo $?; test "(" -n x ")"; echo $?; [ x -a "" ]; echo $?; [ x -o "" ]; echo $?'
}

@test "test: strings and integers" {
	agree 'test x = x; echo $?; test x != x; echo $?; test a "<" b; echo $?; test b ">" a; echo $?;'
	like_bash 'test x == x; echo $?; test x == y; echo $?'
	agree '[ 1 -eq 1 ]; echo $?; [ 2 -lt 10 ]; echo $?; [ " 3 " -ge 3 ]; echo $?; [ -1 -le 0 ]; echo $?; [ 1 -ne 1 ]; echo $?; [ 5 -gt 5 ]; echo $?'
	agree '[ abc -eq 1 ]; echo $?; [ 1 -eq ]; echo $?; test a b c; echo $?; [ x; echo $?'
}

@test "test: -a -o ! ( ) with more than 4 arguments" {
	agree 'test x = y -o a = a; echo $?; test x = x -a "(" a = b -o 1 -eq 1 ")"; echo $?'
	agree 'test ! x = y -a ! a = b; echo $?; test "(" "(" x ")" ")"; echo $?; test "" -o "" -o x; echo $?'
}

@test "test: file tests" {
	touch -d 2020-01-01 old
	touch new
	ln -s new lnk
	mkdir dd
	mkfifo ff
	chmod 755 new
	printf x >sized
	agree '[ -f old ]; echo $?; [ -d dd ]; echo $?; [ -e nosuch ]; echo $?; [ -h lnk ]; echo $?; [ -L lnk ]; echo $?; [ -L new ]; echo $?'
	agree '[ -s sized ]; echo $?; [ -s old ]; echo $?; [ -p ff ]; echo $?; [ -x new ]; echo $?; [ -x old ]; echo $?; [ -r old ]; echo $?; [ -w old ]; echo $?'
	agree '[ -c /dev/null ]; echo $?; [ -b /dev/null ]; echo $?; [ -S /dev/null ]; echo $?; [ -t 9 ]; echo $?; [ -u old ]; echo $?; [ -g old ]; echo $?; [ -k old ]; echo $?'
	agree '[ new -nt old ]; echo $?; [ old -ot new ]; echo $?; [ old -nt new ]; echo $?; [ lnk -ef new ]; echo $?; [ old -ef new ]; echo $?'
}

@test "test: -nt and -ot with a missing file, as bash" {
	touch f
	like_bash '[ f -nt nosuch ]; echo $?; [ nosuch -ot f ]; echo $?; [ nosuch -nt f ]; echo $?; [ f -ot nosuch ]; echo $?'
}

@test "[ needs its ]; errors are status 2 with a message" {
	run --separate-stderr ipcsh -c '[ x'
	assert_failure 2
	[[ $stderr == *"missing ']'"* ]] || fail "$stderr"
	run --separate-stderr ipcsh -c 'test 1 -eq x'
	assert_failure 2
	[[ $stderr == *"integer expression expected"* ]] || fail "$stderr"
}

# ---- getopts ----------------------------------------------------------------

@test "getopts: flags, arguments (attached or not), clusters, --, end" {
	like_bash 'getopts ab:c o -a -b x -cb y -- z; echo "$o $OPTIND ${OPTARG-u}"
		getopts ab:c o -a -b x -cb y -- z; echo "$o $OPTIND ${OPTARG-u}"
		getopts ab:c o -a -b x -cb y -- z; echo "$o $OPTIND ${OPTARG-u}"
		getopts ab:c o -a -b x -cb y -- z; echo "$o $OPTIND ${OPTARG-u}"
		getopts ab:c o -a -b x -cb y -- z; echo "$? $o $OPTIND ${OPTARG-u}"'
	agree 'getopts ab: o -bval; echo "$o $OPTARG $OPTIND"; getopts ab: o -bval; echo "$? $o $OPTIND"'
}

@test "getopts: the positional parameters by default; OPTIND=1 starts again" {
	agree 'set -- -a -b q r; getopts ab o; echo "$o $OPTIND"; getopts ab o; echo "$o $OPTIND"; getopts ab o; echo "$? $o $OPTIND"; OPTIND=1; getopts ab o; echo "$o $OPTIND"'
}

@test "getopts: silent mode with a leading colon; messages otherwise" {
	agree 'getopts :ab: o -x -b; echo "$o $OPTIND $OPTARG"; getopts :ab: o -x -b; echo "$o $OPTIND $OPTARG"'
	like_bash 'getopts ab: o -x -b; echo "$o $OPTIND ${OPTARG-unset}"; getopts ab: o -x -b; echo "$o $OPTIND ${OPTARG-unset}"'
	run --separate-stderr ipcsh -c 'getopts a o -x'
	assert_success
	[[ $stderr == *"illegal option -- x"* ]] || fail "$stderr"
	run --separate-stderr ipcsh -c 'getopts :a o -x'
	[ -z "$stderr" ] || fail "silent mode printed: $stderr"
}

@test "getopts: a bad name or missing operands is an error" {
	run ipcsh -c 'getopts a'
	assert_failure 2
	run ipcsh -c 'getopts a 1x -a'
	assert_failure 2
}

# ---- alias / unalias -----------------------------------------------------------

@test "alias: defines and prints in re-usable form, sorted; unalias NAME and -a" {
	like_bash "alias b=2 a='x y' q=\"it's\"; alias; alias a; alias nosuch; echo st=\$?; unalias a; alias; unalias a; echo st=\$?; unalias -a; alias; echo end"
}

@test "alias: what alias prints reads back as the same aliases" {
	run ipcsh -c "alias q=\"it's \\\$HOME\" e=; alias >defs; unalias -a; . ./defs; alias"
	assert_success
	assert_output "$(printf "alias e=''\nalias q='it'\\\\''s \$HOME'")"
}

# ---- type / command -v -V ----------------------------------------------------------

@test "command -v and -V: built-ins, files, reserved words, not found" {
	agree 'command -v cd; command -v ls; command -v /bin/ls; command -v if; command -v nosuch || echo none'
	agree 'command -V cd; command -V if; PATH=/bin command -V ls; command -V nosuch >/dev/null || echo none'
	agree 'command -v ./nosuch || echo none'
}

@test "command -p -v searches the system's default PATH" {
	like_bash 'PATH=/nonexistent; command -pv ls; command -p -v cat'
}

@test "type: every kind, -t, -p, -P; not found is status 1" {
	like_bash 'type cd; type if; PATH=/bin type ls; type -t cd; type -t if; type -t ls; type -p ls; type -p cd; echo st=$?; type -P ls; type nosuch cd; echo st=$?'
	run ipcsh -c 'alias ll="ls -l"; type ll; type -t ll; command -v ll; command -V ll'
	assert_output "$(printf "ll is aliased to \`ls -l'\nalias\nalias ll='ls -l'\nll is aliased to \`ls -l'")"
}

# ---- hash / times ------------------------------------------------------------

@test "hash: lists what was looked up with hits, -r forgets, NAME remembers" {
	like_bash 'hash; echo st=$?; ls >/dev/null; ls >/dev/null; hash; hash -r; hash; hash cat; hash; hash nosuch; echo st=$?'
	like_bash 'cat </dev/null; PATH=$PATH:/; hash'
}

@test "times: two lines of user and system times" {
	run ipcsh -c 'times'
	assert_success
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	for l in "${lines[@]}"; do
		[[ $l =~ ^[0-9]+m[0-9]+\.[0-9]{3}s\ [0-9]+m[0-9]+\.[0-9]{3}s$ ]] || fail "bad line: $l"
	done
}

# ---- trap ----------------------------------------------------------------------

@test "trap: no operand prints re-usable commands; - and a lone condition reset" {
	# dash's names (and POSIX's): INT, not bash's SIGINT
	like_dash 'trap "echo bye" EXIT; trap "" INT; trap "echo u" usr1; trap "echo h" 1; trap; trap INT; trap - HUP; echo; trap; trap 0; echo; trap'
	like_dash 'trap "echo t" TERM 15 2; trap; trap 1 2 15; echo; trap'
	run ipcsh -c 'trap "echo t" SIGTERM sigint; trap'
	assert_output "$(printf "trap -- 'echo t' INT\ntrap -- 'echo t' TERM")"
}

@test "trap: what trap prints sets the same traps again" {
	run ipcsh -c "trap 'echo \"it'\\''s\"' EXIT; trap '' QUIT; trap >saved; trap - EXIT QUIT; . ./saved; trap"
	assert_success
	assert_output "$(printf "trap -- 'echo \"it'\\\\''s\"' EXIT\ntrap -- '' QUIT\nit's")"
}

@test "trap: numeric signals, names with or without SIG; a trap runs; EXIT runs last" {
	agree 'trap "echo got USR1" 10; kill -USR1 $$; trap "echo got TERM" TERM; kill -TERM $$; trap "echo done" 0; echo end'
	like_bash 'trap "echo got TERM" SIGTERM; kill -TERM $$; trap "echo got HUP" sighup; kill -HUP $$; echo end'
}

@test "trap: -p prints the named traps; a bad signal is an error, status 1" {
	run ipcsh -c 'trap "echo x" EXIT INT; trap -p EXIT'
	assert_output "trap -- 'echo x' EXIT
x"
	agree 'trap x FOO; echo st=$?; trap x 99; echo st=$?; trap "" INT; echo st=$?'
	run --separate-stderr ipcsh -c 'trap x BOGUS'
	assert_failure 1
	[[ $stderr == *"BOGUS: invalid signal specification"* ]] || fail "$stderr"
}

@test "trap '' ignores: the ignored signal is ignored by commands too" {
	agree 'trap "" USR1; sh -c "kill -USR1 \$\$; echo survived"'
}

# ---- umask --------------------------------------------------------------------

@test "umask: octal, -S, and symbolic modes" {
	agree 'umask 022; umask g-w,o-w; umask; umask -S; umask u=rwx,g=rx,o=; umask; umask a=rx,u+w; umask; umask o+w; umask; umask +x; umask'
	agree 'umask 0777; umask -S; umask 027; umask -S; umask ug+rwx; umask'
	like_bash 'umask 022; umask -S 027; umask -p; umask g+z; echo st=$?; umask 999; echo st=$?; umask'
}

@test "umask: the mask applies to files the shell and its commands create" {
	run ipcsh -c 'umask u=rw,g=r,o=; echo >f1; touch f2; ls -l f1 f2 | cut -c1-10'
	assert_output "$(printf -- '-rw-r-----\n-rw-r-----')"
}

# ---- cd / pwd / directory stack ---------------------------------------------------

@test "cd: CDPATH, printing the directory found through it; cd - prints" {
	mkdir -p a/sub b
	agree "CDPATH=$PWD/a; cd sub; echo st=\$?; pwd; cd $PWD; CDPATH=.:$PWD/a; cd b; cd $PWD; CDPATH=:$PWD/a cd b; cd ./sub || echo no"
	agree "cd $PWD/a; cd $PWD/b; cd -; pwd; cd - >/dev/null; pwd"
}

@test "cd: an empty operand stays; no operand is HOME; logical .. and -P" {
	agree 'HOME=/tmp; cd /usr; cd ""; echo "st=$? $PWD"; cd; pwd; cd /usr/bin/../lib; pwd; cd -P /usr/bin/..; pwd; cd /; cd usr/; pwd; echo $OLDPWD'
}

@test "cd: PWD and OLDPWD set and exported" {
	agree "cd /; cd /tmp; echo \$PWD \$OLDPWD; env | grep -E '^(OLD)?PWD=' | sort"
	run ipcsh -c 'unset OLDPWD; cd -'
	assert_failure 1
}

@test "pwd: after its directory was removed, pwd prints \$PWD" {
	agree "mkdir gone; cd gone; rmdir ../gone; pwd; echo st=\$?"
	like_bash "mkdir gone; cd gone; rmdir ../gone; pwd -P; echo st=\$?"
}

@test "pushd, popd, dirs: bash's directory stack" {
	mkdir -p d1 d2
	like_bash "HOME=/nonexistent; cd $PWD; pushd d1 >/dev/null; pushd ../d2; dirs; popd; pwd; popd >/dev/null; pwd; popd; echo st=\$?; dirs"
	like_bash "HOME=$PWD; cd $PWD; pushd d1; dirs -l; dirs -c; dirs"
}

# ---- set / $- / command-line options ---------------------------------------------

@test "set --, set - and set with operands replace the parameters" {
	agree 'set -- a b c; echo $#; set --; echo $#; set x y; echo $# $1; set -- -n; echo $1; set -; echo $#'
}

@test "set -a exports every assigned variable; +a stops" {
	agree 'set -a; x=1; sh -c "echo x=\$x"; set +a; y=2; sh -c "echo y=\${y-unset}"'
	agree 'set -o allexport; read v <<E
read
E
sh -c "echo v=\$v"'
}

@test "set -o / +o list every option as bash does, and read back" {
	run ipcsh -c 'set -o allexport -o verbose; set -o'
	assert_line "$(printf '%-15s\t%s' allexport on)"
	assert_line "$(printf '%-15s\t%s' verbose on)"
	assert_line "$(printf '%-15s\t%s' monitor off)"
	assert_line "$(printf '%-15s\t%s' notify off)"
	assert_line "$(printf '%-15s\t%s' noexec off)"
	run ipcsh -c 'set -eb; set +o >s; set +eb; . ./s; echo $-'
	assert_output 'be'
	run ipcsh -c 'set -o nosuch'
	assert_failure 2
	run ipcsh -c 'set -q'
	assert_failure 2
}

@test "\$- shows the set flags, in bash's order" {
	run ipcsh -c 'set -ef; echo $-; set -aCu; echo $-; set +aCuef -b; echo $-'
	assert_output "$(printf 'ef\naefuC\nb')"
	# interactive: i, and H (histexpand), as in bash's himBHs
	XDG_CONFIG_HOME=$PWD run ipcsh -i <<<'echo "flags=$-"'
	assert_line 'flags=iH'
}

@test "set -v writes the input to stderr as it is read" {
	run --separate-stderr ipcsh -v -c 'echo hi'
	assert_output hi
	[ "$stderr" = "echo hi" ] || fail "$stderr"
}

@test "options on the command line as sh takes them: -u, -o nounset, -eu, +e, -a" {
	run --separate-stderr ipcsh -u -c 'echo a; echo $nope; echo b'
	assert_failure
	assert_output a
	run ipcsh -o nounset -c 'echo $-'
	assert_output u
	run ipcsh -eu +e -c 'echo $-'
	assert_output u
	run ipcsh -a -c 'x=1; sh -c "echo \$x"'
	assert_output 1
	run ipcsh +o bogus -c 'echo'
	assert_failure 2
	printf 'set -u\necho "$-:$1:$#"\nfalse\necho not here\n' >s.sh
	run ipcsh -ex s.sh p q
	assert_failure 1
	assert_line 'eux:p:2'
	refute_line 'not here'
}

@test "-s reads commands from stdin and takes operands as parameters" {
	run ipcsh -s a 'b c' <<<'echo "$# $1 $2"'
	assert_output '2 a b c'
}

# ---- local / export / unset ---------------------------------------------------------

@test "local outside a function is an error, as bash" {
	run --separate-stderr ipcsh -c 'local x=1; echo st=$? ${x-unset}'
	assert_output 'st=1 unset'
	[[ $stderr == *"can only be used in a function"* ]] || fail "$stderr"
}

@test "export -p, readonly -p, unset -v; a bad option is status 2" {
	run ipcsh -c 'export E1=1; export -p | grep E1=; readonly R1=2; readonly -p | grep R1=; unset -v E1; echo ${E1-gone}'
	assert_output "$(printf 'export E1=1\nreadonly R1=2\ngone')"
	run ipcsh -c 'export -z x'
	assert_failure 2
	run ipcsh -c 'unset -z x'
	assert_failure 2
}

# ---- the shared option parser, seen from built-ins ---------------------------

@test "built-ins parse options alike: clusters, --, option arguments, bad ones" {
	like_bash 'read -rp "" a b <<E
x\y z
E
echo "$a|$b"; echo "x y" | read -r -- c; echo "${c-unset}"'
	run --separate-stderr ipcsh -c 'cd -Q'
	assert_failure 2
	[[ $stderr == *"cd: -Q: invalid option"* ]] || fail "$stderr"
	if not_under_valgrind; then
		run ipcsh -c 'ulimit -Sn'
		assert_output "$(bash -c 'ulimit -Sn')"
	fi
}

@test "getopts and other built-ins take -- before their operands" {
	like_bash 'cd -- /tmp; pwd -LP; umask -- 027; umask; export -- X1=1; echo $X1; set -e -- a b; echo $#; unset -- X1; echo ${X1-u}; type -- cd; command -v -- ls; getopts -- a o -a; echo $o'
}

@test "unset -f of a name that is no function changes nothing, status 0" {
	run ipcsh -c 'x=1; unset -f x; echo "$? $x"'
	assert_output '0 1'
}

@test "set -m: a background job gets its own process group (kill -- -PID ends all of it); set +m: the shell's" {
	command -v ps >/dev/null || skip "ps (procps) is not installed"
	script='set -m
sleep 30 | sleep 31 & p=$!
mine=$(ps -o pgid= -p $$ | tr -d " "); its=$(ps -o pgid= -p $p | tr -d " ")
[ "$its" != "$mine" ] && echo own-group
case $- in *m*) echo flag-m ;; esac
kill -- -"$its"; wait $p; echo "status $?"
set +m
sleep 30 & q=$!
[ "$(ps -o pgid= -p $q | tr -d " ")" = "$mine" ] && echo shell-group
case $- in *m*) ;; *) echo no-flag ;; esac
kill $q'
	like_bash "$script" "own-group
flag-m
status 143
shell-group
no-flag"
}

# ---- help transports, set -o stats (issue 13) --------------------------------

@test "help transports: every transport with its syntax and each option; help NAME: one" {
	run --separate-stderr ipcsh -c 'true |[nosuch] cat'
	local names=${stderr##*(}
	names=${names%)}
	[ -n "$names" ]
	run ipcsh -c 'help transports'
	assert_success
	local all=$output t opts o
	for t in ${names//,/}; do
		grep -Eq "^  \|\[$t(:|\])" <<<"$all" || fail "help transports does not show $t"
		run --separate-stderr ipcsh -c "true |[$t:bogus] cat"
		opts=${stderr##*(}
		opts=${opts%)}
		run ipcsh -c "help $t"
		assert_success
		assert_line --index 0 --regexp "^  \|\[$t(:|\])"
		for o in ${opts//,/}; do
			assert_line --regexp "^      $o +[a-zA-Z]"
		done
	done
	run ipcsh -c 'help fc shm'
	assert_line --index 0 --regexp '^  fc '
	assert_line --index 1 '  |[shm:size=N,spin]'
	run -1 ipcsh -c 'help nosuch'
	run ipcsh -c 'help'
	assert_line --partial 'help transports'
}

@test "set -o stats turns --stats on for the session, set +o stats off; set -o and set +o show it" {
	run --separate-stderr ipcsh -c 'seq 3 |[shm] cat >/dev/null; set -o stats; seq 3 |[shm] cat; set -o | grep stats; set +o | grep stats; set +o stats; seq 2 |[shm] cat >/dev/null'
	assert_success
	assert_output $'1\n2\n3\nstats          \ton\nset -o stats'
	[ "$(grep -c 'stats: edge 1->2 shm' <<<"$stderr")" = 1 ] || fail "$stderr"
	run --separate-stderr ipcsh --stats=json -c 'set +o stats; true |[shm] cat; set -o stats; true |[shm] cat'
	[[ $stderr == '{"pipeline":"true |[shm] cat"'* ]] || fail "$stderr"
	[ "$(wc -l <<<"$stderr")" = 1 ] || fail "$stderr"
}

@test "RANDOM and SECONDS as bash: new numbers, a seed repeats them, SECONDS= counts on, unset makes them plain" {
	script='a=$RANDOM b=$RANDOM c=$RANDOM; [ "$a$b$c" != "$a$a$a" ] && echo differ
case $a in *[!0-9]*) echo bad;; esac; [ "$a" -le 32767 ] && echo in-range
RANDOM=42; x="$RANDOM $RANDOM"; RANDOM=42; y="$RANDOM $RANDOM"; [ "$x" = "$y" ] && echo seeded-repeats
p=$(echo $RANDOM) q=$(echo $RANDOM) r=$(echo $RANDOM); [ "$p$q$r" != "$p$p$p" ] && echo subshells-differ
s=$SECONDS; [ "$s" -ge 0 ] && [ "$s" -le 5 ] && echo s-from-start
SECONDS=100; s=$SECONDS; [ "$s" -ge 100 ] && [ "$s" -le 105 ] && echo s-counts-on
unset RANDOM; RANDOM=5; echo "plain $RANDOM $RANDOM"
unset SECONDS; echo "[$SECONDS]"'
	like_bash "$script" "differ
in-range
seeded-repeats
subshells-differ
s-from-start
s-counts-on
plain 5 5
[]"
}
