# for without in: over the positional parameters
for a; do echo "[$a]"; done
for a
do
	echo "again [$a]"
done
