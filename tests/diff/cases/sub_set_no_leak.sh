# set -- and set -f in a subshell do not leak
set -- a b
(set -- x; echo "in $#")
echo "out $# $1"
