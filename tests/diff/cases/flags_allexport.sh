# set -a exports every assignment
set -a
v=exported
set +a
w=not
sh -c 'echo "[$v] [$w]"'
