# break leaves the loop
i=0
while true; do
	i=$((i + 1))
	[ $i -ge 3 ] && break
	echo "i=$i"
done
echo "after: i=$i"
