# set -e stops inside a loop body
set -e
for i in 1 2 3; do
	echo "i=$i"
	[ $i -lt 2 ]
done
echo never
