# recursion with global variables and return
depth=0
down() {
	depth=$((depth + 1))
	[ "$1" -gt 0 ] || return 0
	down $(($1 - 1))
}
down 20
echo "depth=$depth"
