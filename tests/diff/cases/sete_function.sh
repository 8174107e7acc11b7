# set -e: a failing command inside a function stops the shell
set -e
f() { echo in-f; false; echo never; }
f
echo never
