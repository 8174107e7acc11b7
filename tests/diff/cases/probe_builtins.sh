# built-ins: readonly, export, trap, command, getopts, printf, read, test, arithmetic, case: small cases on which dash and bash agree, each in its own
# subshell with stderr dropped, then its status (found by comparing the
# three shells on small scripts, session 5)
(
export -p | grep -c 'export ' >/dev/null; echo ok
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- a; set | grep -c '^x=' ; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
unset x; set | grep -c '^x='
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { :; }; set | grep -c '^f ()'
) 2>/dev/null </dev/null; echo "--- $?"
(
trap 'echo a b' EXIT; trap; trap - EXIT
) 2>/dev/null </dev/null; echo "--- $?"
(
break 2>/dev/null; echo "break=$?"
) 2>/dev/null </dev/null; echo "--- $?"
(
for i in 1; do break 5; done; echo out
) 2>/dev/null </dev/null; echo "--- $?"
(
for i in 1 2; do for j in 1 2; do continue 2; echo no; done; echo no2; done; echo cont
) 2>/dev/null </dev/null; echo "--- $?"
(
exit 256
) 2>/dev/null </dev/null; echo "--- $?"
(
eval 'echo a; if'; echo after-eval
) 2>/dev/null </dev/null; echo "--- $?"
(
eval "echo \$((1+1))"
) 2>/dev/null </dev/null; echo "--- $?"
(
x='echo q'; eval $x
) 2>/dev/null </dev/null; echo "--- $?"
(
eval; echo "empty=$?"
) 2>/dev/null </dev/null; echo "--- $?"
(
getopts ":a:" o -b; echo "$o $OPTARG"
) 2>/dev/null </dev/null; echo "--- $?"
(
getopts ":a:" o -a; echo "$o $OPTARG"
) 2>/dev/null </dev/null; echo "--- $?"
(
getopts "a:" o -a 2>/dev/null; echo "$o"
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- -a -- b; while getopts a o; do echo $o; done; shift $((OPTIND-1)); echo "$@"
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%s,%s\n' a b c
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%d\n' abc 2>/dev/null; echo "st=$?"
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%s\n'
) 2>/dev/null </dev/null; echo "--- $?"
(
printf 'no newline'; echo
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%5s%%\n' 10
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%-4s|\n' ab
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%x %o\n' -1 8 2>/dev/null
) 2>/dev/null </dev/null; echo "--- $?"
(
printf "%s\n" "a\nb"
) 2>/dev/null </dev/null; echo "--- $?"
(
printf "a\nb\n"
) 2>/dev/null </dev/null; echo "--- $?"
(
read x <<'EOF'
  lead trail  
EOF
echo "[$x]"
) 2>/dev/null </dev/null; echo "--- $?"
(
IFS= read x <<'EOF'
  lead trail  
EOF
echo "[$x]"
) 2>/dev/null </dev/null; echo "--- $?"
(
read -r x y <<'EOF'
a\ b c
EOF
echo "[$x][$y]"
) 2>/dev/null </dev/null; echo "--- $?"
(
read x y <<'EOF'
a\ b c
EOF
echo "[$x][$y]"
) 2>/dev/null </dev/null; echo "--- $?"
(
read x <<'EOF'
cont\
inued
EOF
echo "[$x]"
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( 1 / 2 * 4 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
v=3; echo $((v)) $(($v)) $((v+v))
) 2>/dev/null </dev/null; echo "--- $?"
(
unset v; echo $((v+1))
) 2>/dev/null </dev/null; echo "--- $?"
(
v=' 12 '; echo $((v+1))
) 2>/dev/null </dev/null; echo "--- $?"
(
echo ${#}; set -- 1 2 3; echo ${#} ${#1}
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "$0" | grep -c . >/dev/null; echo has0
) 2>/dev/null </dev/null; echo "--- $?"
(
echo ${10-none}
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { echo "$1"; shift; echo "$1"; }; f a b
) 2>/dev/null </dev/null; echo "--- $?"
(
x=1; f() { local x; x=2; }; f; echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { local x=5; unset x; echo "[$x]"; }; x=g; f; echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
g() { echo "$FUNCNAME" 2>/dev/null; }; g | wc -l
) 2>/dev/null </dev/null; echo "--- $?"
(
set -a; aa=1; sh -c 'echo $aa'; set +a
) 2>/dev/null </dev/null; echo "--- $?"
(
set -o allexport; bb=2; sh -c 'echo $bb'; set +o allexport
) 2>/dev/null </dev/null; echo "--- $?"
(
set -o noglob; echo /*; set +o noglob
) 2>/dev/null </dev/null; echo "--- $?"
(
set -n; echo notrun
) 2>/dev/null </dev/null; echo "--- $?"
(
set -v 2>/dev/null; echo v; set +v
) 2>/dev/null </dev/null; echo "--- $?"
(
set +o | grep -c 'set [-+]o' >/dev/null && echo plus-o
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $- | tr -d 'hB'
) 2>/dev/null </dev/null; echo "--- $?"
(
(set -e; set +e; false; echo ok-after)
) 2>/dev/null </dev/null; echo "--- $?"
(
ls /nonexistent 2>/dev/null; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
x=$(ls /nonexistent 2>&1 >/dev/null | wc -l); echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
echo hi | { cat; cat; }
) 2>/dev/null </dev/null; echo "--- $?"
(
{ read a; read b; } <<EOF
l1
l2
EOF
echo $a$b
) 2>/dev/null </dev/null; echo "--- $?"
(
cat <&- 2>/dev/null; echo "c=$?"
) 2>/dev/null </dev/null; echo "--- $?"
(
echo hello >&2 2>&1 | cat
) 2>/dev/null </dev/null; echo "--- $?"
(
x=; [ -z "$x" ] && echo z
) 2>/dev/null </dev/null; echo "--- $?"
(
[ a \< b ] && echo lt 2>/dev/null
) 2>/dev/null </dev/null; echo "--- $?"
(
[ 01 -eq 1 ] && echo numeq
) 2>/dev/null </dev/null; echo "--- $?"
(
[ abc = 'a*' ] || echo noglob
) 2>/dev/null </dev/null; echo "--- $?"
(
[ -n ] && echo n-alone
) 2>/dev/null </dev/null; echo "--- $?"
(
[ ] || echo empty-test
) 2>/dev/null </dev/null; echo "--- $?"
(
[ ! ] && echo bang-alone
) 2>/dev/null </dev/null; echo "--- $?"
(
test && echo t || echo f
) 2>/dev/null </dev/null; echo "--- $?"
(
test -z && echo z-alone
) 2>/dev/null </dev/null; echo "--- $?"
(
[ 1 -eq 1 ] && [ 2 -ne 1 ] && echo chain
) 2>/dev/null </dev/null; echo "--- $?"
(
[ \( 1 -eq 1 \) ] && echo paren
) 2>/dev/null </dev/null; echo "--- $?"
(
[ -f /etc/passwd -a -r /etc/passwd ] && echo fr
) 2>/dev/null </dev/null; echo "--- $?"
(
[ x -ef x ] 2>/dev/null; echo ef=$?
) 2>/dev/null </dev/null; echo "--- $?"
(
[ /etc -nt / ] ; echo nt=$?
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( $(printf 5) * 2 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
x=1; y=x; echo $(($y + 1))
) 2>/dev/null </dev/null; echo "--- $?"
(
case 1 in 1|2) echo one;; 3) echo three;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case abc in a*c) echo ac;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case "" in "") echo emptycase;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case a in *) echo star;; a) echo a;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
x=a; case $x in "$x") echo self;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case x in ( x | y ) echo spaced;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
if true; then :; else :; fi; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
if false; then :; fi; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
while false; do :; done; echo w=$?
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( $# ))
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- "" ""; echo $#
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- ''; [ -z "$1" ] && echo emptyarg
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- 'a b'; echo ${#1}
) 2>/dev/null </dev/null; echo "--- $?"
