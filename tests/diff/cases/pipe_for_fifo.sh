# a for loop into a fifo edge
for i in 3 1 2; do echo "$i"; done |[fifo] sort -n
