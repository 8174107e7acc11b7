# an if whose branch is not taken has status 0
false
if false; then echo never; fi
echo "status=$?"
