# a here-document in a function, expanded at each call
f() {
	cat <<EOT
arg=$1 count=$#
EOT
}
f a
f b c
