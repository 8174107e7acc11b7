# exit in a loop ends the script
for i in 1 2 3; do
	echo "$i"
	[ $i = 2 ] && exit 9
done
echo never
