# a function called 200 times in a loop
n=0
inc() { n=$((n + 1)); }
i=0
while [ $i -lt 200 ]; do inc; i=$((i + 1)); done
echo "n=$n"
