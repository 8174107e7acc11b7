# a function as an if condition
is_even() { [ $(($1 % 2)) -eq 0 ]; }
for n in 1 2 3 4; do
	if is_even $n; then echo "$n even"; else echo "$n odd"; fi
done
