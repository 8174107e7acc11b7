# <<- strips leading tabs inside a function
f() {
	cat <<-EOT
		tab-indented
			double
	EOT
}
f
