# set -e is ignored inside a function called as an if condition
set -e
f() { false; echo "continued in f"; }
if f; then echo "f ok"; fi
