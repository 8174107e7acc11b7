# the loop variable keeps its last value
for v in a b c; do :; done
echo "v=$v"
