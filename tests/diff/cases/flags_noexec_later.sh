# set -n: later commands are read, not run
echo before
set -n
echo never
