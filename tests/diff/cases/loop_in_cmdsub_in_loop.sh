# a loop inside $( ) inside a loop
for i in 1 2; do
	s=$(for j in a b; do printf '%s%s ' $i $j; done)
	echo "$s"
done
