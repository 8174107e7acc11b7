# set -e: a failing subshell stops the shell
set -e
(false; echo "never in sub")
echo never
