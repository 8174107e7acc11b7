# break inside a while body nested in if
i=0
while true; do
	i=$((i + 1))
	if [ $i -eq 4 ]; then break; fi
done
echo "i=$i"
