# return from two loops deep in a function
f() {
	for a in 1 2; do
		while true; do
			return 7
		done
	done
}
f
echo "status=$?"
