# the status of an and-or list
false && true
echo "status=$?"
true || false
echo "status=$?"
