# func.sh N — N calls of a small function in a counting loop.
inc() { c=$((c + $1)); }
n=$1 i=0 c=0
while [ "$i" -lt "$n" ]; do
	inc 2
	i=$((i+1))
done
echo "$c"
