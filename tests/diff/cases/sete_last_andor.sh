# set -e: the failing last command of an && list stops the shell
set -e
true && false
echo never
