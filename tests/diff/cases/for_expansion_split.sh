# the word list is expanded and split
list="a b  c"
for x in $list "$list" ${list}d; do echo "[$x]"; done
