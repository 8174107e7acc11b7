# a here-document on done
while read -r a b; do
	echo "$b $a"
done <<EOT
1 one
2 two
EOT
