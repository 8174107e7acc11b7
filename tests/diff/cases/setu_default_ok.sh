# set -u allows ${x-default} and ${x:-default}
set -u
echo "${nope-d1} ${nope:-d2}"
x=; echo "[$x]"
