# a callee sees the caller's locals
f() { local v=from-f; g; }
g() { echo "g sees $v"; }
v=global
f
echo "after: $v"
