# a command substitution in a loop condition is re-run each time
i=0
while [ "$(echo $i)" != 3 ]; do i=$((i + 1)); done
echo "i=$i"
