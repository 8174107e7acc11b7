# test with 0, 1, 2, 3 arguments
test; echo "none: $?"
test -n; echo "-n alone: $?"
test ! x; echo "! x: $?"
test x = x; echo "3 args: $?"
