# follow: bash (( )), for (( ; ; )), let, ++/-- and the comma operator are bash's (dash has none)
x=5; ((x++)); echo "$x $?"
(( 0 )); echo $?; (( 2 > 1 )) && echo gt; ((1+)); echo "error: $?"
for ((i = 0; i < 3; i++)); do printf '%s;' $i; done; echo
for ((i = 0; i < 10; i++)) do [ $i = 2 ] && continue; [ $i = 4 ] && break; printf '%s;' $i; done; echo
for ((;;)); do echo once; break; done
for ((i = 0; i < 2; i++)); do for ((j = 0; j < 2; j++)); do printf '%s%s;' $i $j; done; done; echo
n=0; while ((n++ < 3)); do printf '%s;' $n; done; echo
f() { (( $1 > 2 )); }; f 5 && echo big; f 1 || echo small
(( y = $(echo 4) + 1, z = y * 2 )); echo "$y $z"
x=5; echo $((x++)) $x $((++x)) $x $((x--)) $((--x)) $x $((- -1))
let a=3+4 b=a*2; echo "$a $b $?"; let 0; echo $?
((echo a); (echo b))
