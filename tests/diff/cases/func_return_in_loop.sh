# return from inside a loop in a function
f() {
	for i in 1 2 3 4; do
		[ $i = 3 ] && return $i
		echo "i=$i"
	done
	echo never
}
f
echo "status=$?"
