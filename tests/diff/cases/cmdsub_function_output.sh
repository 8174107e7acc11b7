# a function's output through $( ) in a loop
f() { echo "v$1"; }
for i in 1 2; do r=$(f $i); echo "$r"; done
