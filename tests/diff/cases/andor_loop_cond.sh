# an and-or list as a loop condition
i=0
while [ $i -lt 5 ] && [ $i -ne 3 ]; do echo "i=$i"; i=$((i + 1)); done
