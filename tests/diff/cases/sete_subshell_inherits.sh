# set -e in a subshell: ignored left of ||, inherited otherwise
set -e
(false; echo "ignored left of ||") || echo "not reached"
(echo in-sub; false; echo never-in-sub)
echo never
