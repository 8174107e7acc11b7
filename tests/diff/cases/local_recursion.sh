# locals survive recursion
count() {
	local n=$1
	[ "$n" -gt 0 ] || return 0
	count $((n - 1))
	printf '%s ' "$n"
}
count 4
echo
