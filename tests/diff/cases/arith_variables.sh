# variables with and without $, unset is 0, values are evaluated
a=3 b=4 e=
echo $((a * b)) $(($a * $b)) $((unset_v + 1))
