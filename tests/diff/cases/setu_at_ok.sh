# set -u allows "$@" and $# with no parameters
set -u
echo "[$#]" "$@"
for a in "$@"; do echo "$a"; done
echo ok
