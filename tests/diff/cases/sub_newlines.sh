# a subshell over several lines
(
	echo one
	echo two
)
