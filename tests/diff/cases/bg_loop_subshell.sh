# a loop run in the background does not change the shell's variables
x=0
for i in 1 2; do x=$i; done &
wait
echo "x=$x"
