# command substitution in the list
for n in $(seq 3); do echo "n=$n"; done
