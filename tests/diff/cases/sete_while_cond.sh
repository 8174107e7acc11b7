# set -e is ignored in a while condition
set -e
while false; do :; done
i=0
until [ $i = 2 ]; do i=$((i + 1)); done
echo "loops done"
