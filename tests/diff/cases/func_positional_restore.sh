# the caller's positional parameters are restored after the call
set -- outer1 outer2
f() { set -- inner; echo "in: $# $1"; }
f x y z
echo "out: $# $1 $2"
