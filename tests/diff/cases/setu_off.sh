# set +u
set -u
set +u
echo "[$nope]"
