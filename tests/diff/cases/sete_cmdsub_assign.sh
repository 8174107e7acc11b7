# set -e: an assignment whose command substitution fails stops the shell
set -e
x=$(false)
echo never
