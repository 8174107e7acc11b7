# words, quoting, patterns, here-documents, redirections, traps, set -e: small cases on which dash and bash agree, each in its own
# subshell with stderr dropped, then its status (found by comparing the
# three shells on small scripts, session 5)
(
x="a b"; set -- "$x"; echo $#
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- "a b" "c d"; for a in "$@"; do echo "<$a>"; done
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- "a b" "c d"; for a in $@; do echo "<$a>"; done
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- "a b"; printf '<%s>' "x$@y"; echo
) 2>/dev/null </dev/null; echo "--- $?"
(
set --; printf '<%s>' "x$@y"; echo
) 2>/dev/null </dev/null; echo "--- $?"
(
set --; printf '<%s>' "$@"; echo end
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- a b; printf '<%s>' "${@}"; echo
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- a b; IFS=-; echo "$*"; echo $*
) 2>/dev/null </dev/null; echo "--- $?"
(
IFS=' 	
) 2>/dev/null </dev/null; echo "--- $?"
(
'; x=" a  b "; set -- $x; echo $#
) 2>/dev/null </dev/null; echo "--- $?"
(
IFS=:; x="a::b:"; set -- $x; echo $#; for i; do echo "[$i]"; done
) 2>/dev/null </dev/null; echo "--- $?"
(
IFS=": "; x="a : b"; set -- $x; echo $#
) 2>/dev/null </dev/null; echo "--- $?"
(
x='[a]'; case a in $x) echo br;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case '[' in '[') echo lb;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case 'a]' in *]) echo rb;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case x in [!a]) echo neg;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case - in [a-]) echo dash;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case b in [a-c]) echo range;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case '\' in '\') echo bs;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case "*" in \*) echo esc;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
echo [a]b
) 2>/dev/null </dev/null; echo "--- $?"
(
read a <<EOF
a\\b
EOF
echo "$a"
) 2>/dev/null </dev/null; echo "--- $?"
(
read a b c <<EOF
1 2 3 4 5
EOF
echo "$c"
) 2>/dev/null </dev/null; echo "--- $?"
(
IFS=, read a b <<EOF
x,y,z
EOF
echo "$a|$b"
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%s %s\n' a
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%d\n' 0x10 010 "'A"
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%5.2s|\n' abcdef
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%%\n'
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '\101\n'
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%b\n' '\0101'
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%i\n' 42
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%o %X %e\n' 8 255 1.5
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%s\n' "$(printf '%s' a)"
) 2>/dev/null </dev/null; echo "--- $?"
(
printf -- '-x\n'
) 2>/dev/null </dev/null; echo "--- $?"
(
set -u; echo ${unset_var:-dflt}; echo "$#"
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { echo a; }; f() { echo b; }; f
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { echo "$@"; }; f "a  b" c
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { g() { echo inner; }; }; f; g
) 2>/dev/null </dev/null; echo "--- $?"
(
unset -f nosuch; echo ok
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { echo f; }; unset -f f; f 2>/dev/null || echo gone
) 2>/dev/null </dev/null; echo "--- $?"
(
x=~; [ "$x" = "$HOME" ] && echo home
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "~"
) 2>/dev/null </dev/null; echo "--- $?"
(
echo a~
) 2>/dev/null </dev/null; echo "--- $?"
(
cat <<"E"
$x `y`
E
) 2>/dev/null </dev/null; echo "--- $?"
(
cat <<E
a\$b \\ \`
E
) 2>/dev/null </dev/null; echo "--- $?"
(
cat <<E | tr a A
abc
E
) 2>/dev/null </dev/null; echo "--- $?"
(
cat <<E1; cat <<E2
one
E1
two
E2
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { cat; }; f <<E
in func
E
) 2>/dev/null </dev/null; echo "--- $?"
(
x=$(cat <<E
inside
E
); echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
echo a 1>&2 2>/dev/null | cat
) 2>/dev/null </dev/null; echo "--- $?"
(
{ echo a; echo b >&2; } 2>/dev/null
) 2>/dev/null </dev/null; echo "--- $?"
(
echo q 2>&1 >/dev/null
) 2>/dev/null </dev/null; echo "--- $?"
(
(echo sub; exit 2); echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
( (exit 4) ); echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
x=1; (x=2; echo $x); echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { (exit $1); }; f 9; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
a=$(echo a; exit 3); echo "$a $?"
) 2>/dev/null </dev/null; echo "--- $?"
(
if (exit 1); then echo t; elif true; then echo e; fi
) 2>/dev/null </dev/null; echo "--- $?"
(
while false; do :; done; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
for i in; do echo x; done; echo "empty $?"
) 2>/dev/null </dev/null; echo "--- $?"
(
case x in y) ;; esac; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
{ false; }; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
x=$( (echo in) ); echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "$( echo "nested \"q\"" )"
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "${x:+"a b"}"
) 2>/dev/null </dev/null; echo "--- $?"
(
v=; echo "${v:-"x y"}"
) 2>/dev/null </dev/null; echo "--- $?"
(
echo ${v:-'$HOME'}
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "${v:-'q'}"
) 2>/dev/null </dev/null; echo "--- $?"
(
echo ${#v}
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "$(( ${#PATH} > 0 ))"
) 2>/dev/null </dev/null; echo "--- $?"
(
x=abc; echo ${x%"c"}
) 2>/dev/null </dev/null; echo "--- $?"
(
x='a b'; echo ${x#"a "}
) 2>/dev/null </dev/null; echo "--- $?"
(
x=aaa; echo ${x#a*} ${x##a*} ${x%a*} ${x%%a*}
) 2>/dev/null </dev/null; echo "--- $?"
(
x=hello; echo ${x#[hH]} ${x%[!o]}
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( 1 + $(echo 2) ))
) 2>/dev/null </dev/null; echo "--- $?"
(
n=010; echo $(( n + 0 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
x=5; echo $(( x > 3 ? x : 3 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( (2+3) * (4-1) ))
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( 1 == 1 )) $(( 2 != 2 )) $(( 3 >= 3 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( 5 & 3 )) $(( 5 | 3 )) $(( 5 ^ 3 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
trap 'echo a' TERM; trap; trap - TERM
) 2>/dev/null </dev/null; echo "--- $?"
(
trap 'echo e' 0; echo body
) 2>/dev/null </dev/null; echo "--- $?"
(
(trap 'echo sub-exit' EXIT; echo in)
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { trap 'echo fexit' EXIT; }; f; echo after
) 2>/dev/null </dev/null; echo "--- $?"
(
set -e; x=$(false); echo "not reached?"
) 2>/dev/null </dev/null; echo "--- $?"
(
set -e; false | true; echo piped
) 2>/dev/null </dev/null; echo "--- $?"
(
set -e; ! true; echo bang
) 2>/dev/null </dev/null; echo "--- $?"
(
set -e; (false); echo no
) 2>/dev/null </dev/null; echo "--- $?"
(
set -e; { false; } || echo rescued
) 2>/dev/null </dev/null; echo "--- $?"
(
set -e; f() { false; echo cont; }; f && echo and
) 2>/dev/null </dev/null; echo "--- $?"
