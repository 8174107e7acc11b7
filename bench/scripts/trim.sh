# trim.sh N — N rounds of ${x##*/} ${x%/*} ${x#*.} ${x%%.*} in a loop.
p=/usr/local/lib/x86_64-linux-gnu/libexample.so.1.2.3
n=$1 i=0
while [ "$i" -lt "$n" ]; do
	b=${p##*/}
	d=${p%/*}
	e=${b#*.}
	s=${b%%.*}
	i=$((i+1))
done
echo "$b $d $e $s"
