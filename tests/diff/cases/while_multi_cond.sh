# several commands in the condition: the last decides
i=0
while echo "test $i"; [ $i -lt 2 ]; do i=$((i + 1)); done
