# set -e stops at a failing command
set -e
echo before
false
echo never
