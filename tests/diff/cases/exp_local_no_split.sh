# issue 12 §4: local's assignment arguments are not split or globbed
touch z1 z2
f() { v="e f"; local l1=$v l2=z*; echo "[$l1] [$l2]"; }
f
