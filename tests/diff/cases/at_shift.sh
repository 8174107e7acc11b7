# shift N moves the parameters
set -- 1 2 3 4 5
shift 2
echo "$# $*"
shift
echo "$1"
