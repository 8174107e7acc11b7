# issue 12 §4: export's assignment arguments are not split or globbed
touch x1 x2
v="a b"
export e1=$v e2=*
sh -c 'echo "[$e1] [$e2]"'
