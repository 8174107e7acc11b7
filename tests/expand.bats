#!/usr/bin/env bats
# Word expansion (POSIX XCU 2.6, issue 12 §4): each snippet runs under
# ipcsh, dash and bash; ipcsh must print what both print (and exit as they
# do). bash extensions are compared with bash alone.

load common

setup() {
	cd "$BATS_TEST_TMPDIR" || exit 1
}

# same SNIPPET [WANT]: dash and bash agree (and print WANT, if given);
# ipcsh prints the same and has the same status.
same() {
	local d b i ds bs is
	d=$(dash -c "$1" 2>/dev/null) && ds=0 || ds=$?
	b=$(bash -c "$1" 2>/dev/null) && bs=0 || bs=$?
	i=$(ipcsh -c "$1" 2>/dev/null) && is=0 || is=$?
	[ "$d" = "$b" ] && [ "$ds" = "$bs" ] || {
		echo "dash and bash disagree on: $1"; echo "dash: $d ($ds)"; echo "bash: $b ($bs)"
		return 1
	}
	if [ $# -gt 1 ] && [ "$b" != "$2" ]; then
		echo "expected: $2"; echo "bash: $b"; return 1
	fi
	[ "$i" = "$b" ] && [ "$is" = "$bs" ] || {
		echo "snippet: $1"; echo "sh:    $b ($bs)"; echo "ipcsh: $i ($is)"
		return 1
	}
}

# like_bash SNIPPET [WANT]: a bash extension; ipcsh prints what bash prints.
like_bash() {
	local b i bs is
	b=$(bash -c "$1" 2>/dev/null) && bs=0 || bs=$?
	i=$(ipcsh -c "$1" 2>/dev/null) && is=0 || is=$?
	if [ $# -gt 1 ] && [ "$b" != "$2" ]; then
		echo "expected: $2"; echo "bash: $b"; return 1
	fi
	[ "$i" = "$b" ] && [ "$is" = "$bs" ] || {
		echo "snippet: $1"; echo "bash:  $b ($bs)"; echo "ipcsh: $i ($is)"
		return 1
	}
}

@test "quote removal inside \${x:-\"a b\"}; unquoted defaults are split" {
	same 'printf "[%s]" "${u:-"a b"}" ${u:-c d}' '[a b][c][d]'
	same 'printf "[%s]" ${u:-"a b"} ${u-'"'"'x y'"'"'} ${u:-a"b c"d}' '[a b][x y][ab cd]'
	same 'x=1; printf "[%s]" ${x:+"p q"} "${x:+r s}" ${x+t u}' '[p q][r s][t][u]'
	same 'printf "[%s]" "${u:-}" ${u:-} "${u:+x}"' '[][]'
}

@test "IFS: non-white characters delimit empty fields, white space around them joins" {
	same 'IFS="_ "; s="a_b _ c"; printf "[%s]" $s' '[a][b][c]'
	same 'IFS=:; s="a::b:"; printf "[%s]" $s' '[a][][b]'
	same 'IFS=:; s=":a"; printf "[%s]" $s' '[][a]'
	same 's="  a   b  "; printf "[%s]" $s x$s' '[a][b][x][a][b]'
	same 'IFS=; s="a b"; printf "[%s]" $s' '[a b]'
	same 'unset IFS; s=" a	b
c "; printf "[%s]" $s' '[a][b][c]'
	same 'IFS=" :"; s="a : b"; printf "[%s]" $s' '[a][b]'
}

@test "\"\$*\" joins with the first IFS character; \$@ and \$* split unquoted" {
	same 'set -- a "b c"; IFS=:; printf "[%s]" "$*"' '[a:b c]'
	same 'set -- a "b c"; IFS=; printf "[%s]" "$*"' '[ab c]'
	same 'set -- a "b c"; unset IFS; printf "[%s]" "$*"' '[a b c]'
	same 'set -- a "b c" "" d; printf "[%s]" $@ . $*' '[a][b][c][d][.][a][b][c][d]'
	same 'set -- "a b" c; IFS=; printf "[%s]" $@ . $*' '[a b][c][.][a b][c]'
	same 'set -- a b; x=$*; IFS=:; y="$*"; z=$*; printf "[%s]" "$x" "$y" "$z"' '[a b][a:b][a:b]'
}

@test "\"\$@\": a field per parameter, none without parameters, glued to its neighbours" {
	same 'set --; printf "[%s]" x "$@" y' '[x][y]'
	same 'set --; printf "[%s]" "x$@y"' '[xy]'
	same 'set -- a "b c"; printf "[%s]" "x$@y"' '[xa][b cy]'
	same 'set -- "" ""; printf "[%s]" "$@"' '[][]'
	same 'set -- a b; printf "[%s]" "${@}" "${u-$@}"' '[a][b][a][b]'
	same 'set --; printf "[%s]" "$*" "${u-}"' '[][]'
}

@test "pathname expansion of unquoted expansions; quoted characters never glob" {
	touch a.txt b.txt '*.txt'
	same 'p="*.txt"; echo $p' '*.txt a.txt b.txt'
	same 'p="*.txt"; echo "$p" \*.txt "*".txt' '*.txt *.txt *.txt'
	same 'p="*"; echo ${p}.txt' '*.txt a.txt b.txt'
	same 'p="[ab].txt"; echo $p "[ab]".txt' 'a.txt b.txt [ab].txt'
	same 'p="*.none"; echo $p' '*.none'
	same 'set -f; p="*.txt"; echo $p' '*.txt'
	same 'x="a b"; echo ${x%"*"}' 'a b'
	same 'p="a*"; x=abc; echo "${x#$p}" "${x##"a"*}" "${x#"$p"}"' 'bc  abc'
	same 'x="a\\b"; y="\\*"; printf "[%s]" $x $y' '[a\b][\*]'
}

@test "parameter operators: lengths, prefixes and suffixes, assignment, errors" {
	same 'x=hello; echo ${#x} ${x#h*l} ${x##h*l} ${x%l*} ${x%%l*} ${#}' '5 lo o hel he 0'
	same 'x="a*b"; echo "${x#"a*"}" "${x#a\*}" ${x%\*b}' 'b b a'
	same 'echo ${u=abc} $u; echo ${v:=} "[$v]"' 'abc abc
[]'
	same 'set -- a b c d e f g h i j k; echo ${10} $10' 'j a0'
	same 'echo ${#u}; set -u; echo ${u-ok} ${u:+no} "${u:-x}"' '0
ok x'
}

@test "tilde expansion: word start, after = and : in assignments, in \${u-~:~}" {
	same 'HOME=/h; echo ~ ~/x "~" \~ a~' '/h /h/x ~ ~ a~'
	same 'HOME=/h; x=~:~/b; echo $x' '/h:/h/b'
	same 'HOME=/h; x=${u-~:~}; echo $x' '/h:/h'
	same 'HOME=/h; echo ${u-~}' '/h'
}

@test "command substitution: backquotes in double quotes, nesting, quotes" {
	same 'echo "x `echo \"hi\"`"' 'x hi'
	same 'echo `echo \`echo nested\``' 'nested'
	same 'echo "$(echo "a  b")" $(echo "c  d")' 'a  b c d'
	same 'x=`printf "a\n\n"`; echo "[$x]"' '[a]'
	same "echo \"\`echo '\\\$x'\`\"" '$x'
}

@test "arithmetic: C constants and operators, variables holding numbers" {
	same 'echo $((0XAA)) $((0xff)) $((010)) $((1+2*3)) $((7%3)) $((1<<4))' '170 255 8 7 1 16'
	same 'x=5; echo $((x*2)) $(($x+1)) $((x+=1)) $x' '10 6 6 6'
	like_bash 'echo $(( (1 + 2) * "3" )) $((2 ** 3 ** 2)) $((-2 ** 2))' '9 512 4'
	same 'x=2; echo "$((x ? 10 : 20))" $((-x))' '10 -2'
}

@test "backslash-newline inside \${...} is a line continuation" {
	same 'echo ${u:-a\
b}' 'ab'
	same 'x=abc; echo ${x\
#a}' 'bc'
}

@test "bash extensions: \${#x} \${x:off:len} \${x/p/r} \${x//p/r} and case changes" {
	like_bash 'x=hello; echo ${x:1:3} ${x:2} ${x: -2} ${x:1:-1}' 'ell llo lo ell'
	like_bash 'x=hello; echo ${x/l/L} ${x//l/L} ${x/#h/H} ${x/%o/O} ${x/l} ${x//[el]/_}' \
		'heLlo heLLo Hello hellO helo h___o'
	like_bash 'x=hello; echo ${x^} ${x^^} ${x,} X${x,,} ${x^^[lo]}' 'Hello HELLO hello Xhello heLLO'
	like_bash 'set -- a b c d; echo ${@:2:2} ${*:3}' 'b c c d'
}

@test "\$'...' (POSIX 2024): escapes, quotes inside, and not in double quotes" {
	like_bash "printf '[%s]' \$'a\\tb' \$'\\x41\\101\\u00e9' \$'it\\'s' \"\$'x'\"" \
		"[a	b][AAé][it's][\$'x']"
	like_bash "printf '%s' \$'\\cA\\e' | od -An -tx1" ' 01 1b'
	like_bash "printf '[%s]' \$'a\\0b' \$''" '[a][]'
	# inside the argument of a \${…} within "…" it is quoting (bash), not in a here-document
	like_bash "x=; printf '[%s]' \"\${x:-\$'a\\tb'}\" \"\${x:-\$'}'}\" \"\${x:-\"\$'in'\"}\"" \
		"[a	b][}][\$'in']"
	like_bash "x=; cat <<E
\${x:-\$'a b'}
E" "\$'a b'"
}

@test "expansion errors name the problem and stop the command" {
	# dash exits 2, bash 127: both print the message and stop
	run --separate-stderr ipcsh -c 'echo ${u?gone}; echo after'
	assert_failure
	[ "$output" = "" ] && [ "$stderr" = "ipcsh: u: gone" ]
	run --separate-stderr ipcsh -c 'x=; echo ${x:?}; echo after'
	assert_failure
	[ "$output" = "" ] && [ "$stderr" = "ipcsh: x: parameter null or not set" ]
	run --separate-stderr ipcsh -c 'set -u; echo ${#u}; echo after'
	assert_failure
	[ "$output" = "" ] && [ "$stderr" = "ipcsh: u: unbound variable" ]
	run --separate-stderr ipcsh -c 'echo ${x!}; echo after'
	assert_failure
	[ "$stderr" = 'ipcsh: ${x!}: bad substitution' ]
	run --separate-stderr ipcsh -c 'a=b; b=a; echo $((a))'
	assert_failure
	[[ "$stderr" == *"recursion level exceeded"* ]]
}
