# a function sees its own "$@", not the script's
f() { echo "f: $#"; }
f "$@" extra
f
