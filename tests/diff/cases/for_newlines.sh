# for with newlines before in and do
for x
in 1 2
do
	echo "x=$x"
done
