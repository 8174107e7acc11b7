# return N sets the status
f() { return 3; echo never; }
f
echo "status=$?"
g() { return; }
false
g
echo "bare return after false in caller: $?"
