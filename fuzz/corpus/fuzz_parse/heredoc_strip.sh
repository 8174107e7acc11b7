cat <<-E
		a
	E
next
