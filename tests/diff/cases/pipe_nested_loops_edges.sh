# nested loops with edges inside and outside
for a in 1 2; do
	for b in x y; do echo "$a$b"; done |[shm] tr '\n' ' '
	echo
done |[sock] cat
