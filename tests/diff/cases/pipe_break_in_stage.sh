# break inside a loop that is a pipeline stage ends only that loop
seq 1 10 |[shm] while read -r n; do [ "$n" -gt 3 ] && break; echo "n=$n"; done
echo "after"
