# a here-document on a command in a while condition
i=0
while read -r v <<EOT
value
EOT
[ $i -lt 2 ]; do
	echo "$i $v"
	i=$((i + 1))
done
