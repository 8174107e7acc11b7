# ${x%…} and ${x#…} in a loop
for p in /usr/lib/x.so ./a/b.c name.tar.gz; do
	base=${p##*/}
	echo "${base%%.*} ${base#*.} ${p%/*}"
done
