# variable changes in a subshell do not leak
x=outer
(x=inner; echo "in: $x")
echo "out: $x"
