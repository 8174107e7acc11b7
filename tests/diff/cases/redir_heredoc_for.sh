# a here-document in a for loop body
for who in alice bob; do
	cat <<EOT
hello $who
EOT
done
