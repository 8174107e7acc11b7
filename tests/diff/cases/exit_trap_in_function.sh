# exit inside a function with an EXIT trap
trap 'echo "trap: $?"' EXIT
f() { exit 6; }
f
