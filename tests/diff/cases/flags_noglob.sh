# set -f disables pathname expansion
touch a1 a2
set -f
echo a*
set +f
echo a*
