# getopts inside a function, on the function's parameters
f() {
	local OPTIND o
	while getopts v o; do echo "f got -$o"; done
	shift $((OPTIND - 1))
	echo "f rest: $*"
}
f -v -v x y
f z
