# without return, a function's status is its last command's
f() { false; }
f
echo "status=$?"
g() { (exit 6); }
g
echo "status=$?"
