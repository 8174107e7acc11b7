# nested while loops
i=0
while [ $i -lt 3 ]; do
	j=0
	while [ $j -lt 2 ]; do
		printf '%s%s ' $i $j
		j=$((j + 1))
	done
	i=$((i + 1))
done
echo
