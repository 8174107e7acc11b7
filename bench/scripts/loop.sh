# loop.sh N — a counting loop: `while [ "$i" -lt N ]; do i=$((i+1)); done`.
# Prints the final count (checked against dash's before timing).
n=$1 i=0
while [ "$i" -lt "$n" ]; do i=$((i+1)); done
echo "$i"
