# basics: small cases on which dash and bash agree, each in its own
# subshell with stderr dropped, then its status (found by comparing the
# three shells on small scripts, session 5)
(
x=abc; echo ${#x} ${x#a} ${x%c} ${x##*b} ${x%%b*}
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "$(echo "a  b")" $(echo "a  b")
) 2>/dev/null </dev/null; echo "--- $?"
(
IFS=:; set -- a:b::c; echo $#; IFS=' '
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%s-%d-%x\n' s 42 255
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%5s|%-5s|%05d\n' a b 42
) 2>/dev/null </dev/null; echo "--- $?"
(
read a b <<EOF2
) 2>/dev/null </dev/null; echo "--- $?"
(
one two three
) 2>/dev/null </dev/null; echo "--- $?"
(
EOF2
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "$a|$b"
) 2>/dev/null </dev/null; echo "--- $?"
(
x=; echo ${x:-def} ${x-set} ${y:=new} $y
) 2>/dev/null </dev/null; echo "--- $?"
(
unset y; echo ${y:+alt} ${y+alt2}
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- a b c; shift 2; echo $# "$@"
) 2>/dev/null </dev/null; echo "--- $?"
(
trap 'echo trapped' EXIT; echo body
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { local x=in; echo $x; }; x=out; f; echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
echo a\
) 2>/dev/null </dev/null; echo "--- $?"
(
b
) 2>/dev/null </dev/null; echo "--- $?"
(
set -f; echo *; set +f
) 2>/dev/null </dev/null; echo "--- $?"
(
test 1 -eq 1 -a 2 -gt 1 && echo ok
) 2>/dev/null </dev/null; echo "--- $?"
(
[ -z "" ] && [ -n x ] && echo ok2
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- "a b" c; for i; do echo "[$i]"; done
) 2>/dev/null </dev/null; echo "--- $?"
(
x=5; echo $((x+=2)) $x
) 2>/dev/null </dev/null; echo "--- $?"
(
getopts ab: o -b val; echo $o $OPTARG $OPTIND
) 2>/dev/null </dev/null; echo "--- $?"
(
eval 'echo $((1+2))'
) 2>/dev/null </dev/null; echo "--- $?"
(
command -v echo; command -v cd
) 2>/dev/null </dev/null; echo "--- $?"
(
type true 2>&1 | head -1
) 2>/dev/null </dev/null; echo "--- $?"
(
echo ${#@} $#
) 2>/dev/null </dev/null; echo "--- $?"
(
v='a b'; set -- $v; echo $#
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "${v%% *}"
) 2>/dev/null </dev/null; echo "--- $?"
(
until false; do echo once; break; done
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { return 3; }; f; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
! true; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
true | false; echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
x=$(false); echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { echo "$#:$1"; }; f "" x
) 2>/dev/null </dev/null; echo "--- $?"
(
echo ~ | grep -c /
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%b\n' 'a\tb'
) 2>/dev/null </dev/null; echo "--- $?"
(
s=hello; echo ${s#"he"} ${s%"lo"}
) 2>/dev/null </dev/null; echo "--- $?"
(
set -u; echo ${undefined-ok}; set +u
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( 7 / 2 )) $(( -7 % 3 )) $(( 1 << 4 )) $(( 0x10 + 010 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $((010)) $((0x1F))
) 2>/dev/null </dev/null; echo "--- $?"
(
x=$'a\nb'; echo "$x" | wc -l
) 2>/dev/null </dev/null; echo "--- $?"
(
n=0; for w in a b c; do n=$((n+1)); done; echo $n
) 2>/dev/null </dev/null; echo "--- $?"
(
echo "${PWD##*/}" >/dev/null; echo ok
) 2>/dev/null </dev/null; echo "--- $?"
(
case x in [[:alpha:]]) echo alpha;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case '*' in '*') echo star;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
case ab in a?) echo q;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $(( (1+2)*3 ))
) 2>/dev/null </dev/null; echo "--- $?"
(
x=1; { x=2; }; echo $x; ( x=3 ); echo $x
) 2>/dev/null </dev/null; echo "--- $?"
(
alias e=echo; e hi
) 2>/dev/null </dev/null; echo "--- $?"
(
printf '%s\n' "${x}" | tr a-z A-Z
) 2>/dev/null </dev/null; echo "--- $?"
(
echo $((3>2)) $((3<2)) $((!0)) $((~0))
) 2>/dev/null </dev/null; echo "--- $?"
(
x="  lead"; echo "[${x# }]"
) 2>/dev/null </dev/null; echo "--- $?"
(
set -- 1 2 3; echo "$*" "${*}" "$@"
) 2>/dev/null </dev/null; echo "--- $?"
(
IFS=,; set -- a b c; echo "$*"; IFS=' '
) 2>/dev/null </dev/null; echo "--- $?"
(
f() { shift; echo "$@"; }; f 1 2 3
) 2>/dev/null </dev/null; echo "--- $?"
(
case "a.b" in *.b) echo yes;; esac
) 2>/dev/null </dev/null; echo "--- $?"
(
(exit 7); echo $?
) 2>/dev/null </dev/null; echo "--- $?"
(
{ echo a; echo b; } | wc -l
) 2>/dev/null </dev/null; echo "--- $?"
(
echo x >/dev/null 2>&1 <&-; echo closed
) 2>/dev/null </dev/null; echo "--- $?"
(
cat <<'E'
) 2>/dev/null </dev/null; echo "--- $?"
(
$nothing `here`
) 2>/dev/null </dev/null; echo "--- $?"
(
E
) 2>/dev/null </dev/null; echo "--- $?"
(
cat <<E
) 2>/dev/null </dev/null; echo "--- $?"
(
$(echo sub) \$lit
) 2>/dev/null </dev/null; echo "--- $?"
(
E
) 2>/dev/null </dev/null; echo "--- $?"
(
i=0; while [ $i -lt 3 ]; do i=$((i+1)); [ $i = 2 ] && continue; echo $i; done
) 2>/dev/null </dev/null; echo "--- $?"
(
x=1; cat <<-E
) 2>/dev/null </dev/null; echo "--- $?"
(
	tab $x
) 2>/dev/null </dev/null; echo "--- $?"
(
	E
) 2>/dev/null </dev/null; echo "--- $?"
(
for i in 1 2 3; do for j in a b; do [ $j = b ] && break 2; echo $i$j; done; done
) 2>/dev/null </dev/null; echo "--- $?"
