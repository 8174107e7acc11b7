# set -e: the EXIT trap runs and sees the failing status
set -e
trap 'echo "exit trap: $?"' EXIT
echo before
false
echo never
