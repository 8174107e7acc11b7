# a while whose condition is false at once: body never runs, status 0
false
while false; do echo never; done
echo "status=$?"
