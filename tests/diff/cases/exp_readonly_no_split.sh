# issue 12 §4: readonly's assignment arguments are not split or globbed
touch y1 y2
v="c   d"
readonly r1=$v r2=y*
echo "[$r1] [$r2]"
