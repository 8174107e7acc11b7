# assignments in a function are global
f() { g=set-in-f; }
f
echo "g=$g"
