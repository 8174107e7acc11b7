# the status of a for is that of the last body command
for x in 1 2; do (exit $x); done
echo "status=$?"
