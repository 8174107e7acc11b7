# set -o allexport
set -o allexport
v=on
set +o allexport
sh -c 'echo "[$v]"'
