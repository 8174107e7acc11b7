# continue in an until loop re-tests the condition
i=0
until [ $i -ge 4 ]; do
	i=$((i + 1))
	[ $i = 2 ] && continue
	echo "i=$i"
done
