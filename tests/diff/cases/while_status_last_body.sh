# the status of a while is that of the last body command run
i=0
while [ $i -lt 2 ]; do i=$((i + 1)); (exit 4); done
echo "status=$?"
