# read in a loop counts words
printf 'a b c\nd e\n' >f
total=0
while read -r line; do set -- $line; total=$((total + $#)); done <f
echo "words=$total"
