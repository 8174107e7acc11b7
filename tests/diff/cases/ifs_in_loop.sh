# IFS changed inside a loop body splits later expansions
for line in "a:b" "c:d"; do
	IFS=:
	set -- $line
	IFS=' '
	echo "$2 $1"
done
