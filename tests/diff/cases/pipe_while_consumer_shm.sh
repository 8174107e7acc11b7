# a while loop as the consumer of a shm edge
printf '1\n2\n3\n' |[shm] while read -r n; do echo "n=$n"; done
