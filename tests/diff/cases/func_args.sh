# $#, $1 and $@ inside a function
show() { echo "$# args: $*"; for a in "$@"; do echo "[$a]"; done; }
show a "b c" ""
show
