# local variables do not leak
x=global
f() { local x=inner; echo "in: $x"; }
f
echo "out: $x"
