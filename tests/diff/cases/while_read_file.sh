# while read -r with the file redirected onto the loop
printf 'a b\nc  d\ne\n' >f
while read -r x y; do
	echo "x=[$x] y=[$y]"
done <f
