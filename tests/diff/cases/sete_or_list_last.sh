# set -e: a failing last command of an || list stops the shell
set -e
false || false
echo never
