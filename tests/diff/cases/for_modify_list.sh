# changing the variable inside the body does not change the iteration
for x in 1 2 3; do echo "x=$x"; x=99; done
