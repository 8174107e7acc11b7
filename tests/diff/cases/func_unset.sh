# unset -f removes a function
f() { echo f; }
f
unset -f f
f 2>/dev/null || echo "f is gone: $?"
