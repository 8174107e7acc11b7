# while read -r over the script's stdin
n=0
while read -r line; do
	n=$((n + 1))
	echo "$n: $line"
done
echo "lines=$n"
