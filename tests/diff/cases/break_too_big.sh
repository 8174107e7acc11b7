# break N larger than the nesting leaves every loop
for a in 1 2; do
	while true; do
		break 5
	done
	echo never
done
echo "after a=$a"
