# a loop reading one file and writing another
printf '3\n1\n2\n' >in
while read -r n; do echo $((n * 10)); done <in >out
cat out
