# a local variable in a function called from a loop
f() { local v=$1; v=$((v * 2)); echo "$v"; }
v=keep
for i in 1 2 3; do f $i; done
echo "v=$v"
