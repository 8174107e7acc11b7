# prefix and suffix removal in a loop
for f in /a/b/c.tar.gz dir/file.txt plain; do
	echo "${f##*/} ${f%/*} ${f%%.*} ${f#*.}"
done
