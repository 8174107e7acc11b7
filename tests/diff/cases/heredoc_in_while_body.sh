# a here-document read in every iteration
i=0
while [ $i -lt 2 ]; do
	read -r v <<EOT
iteration $i
EOT
	echo "$v"
	i=$((i + 1))
done
