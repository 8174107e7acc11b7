# set -e is ignored left of && and ||
set -e
false && echo no
echo "after &&"
false || echo "or rhs"
echo "still here"
