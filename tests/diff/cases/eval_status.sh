# eval's status is the last command's; empty eval is 0
eval false
echo "status=$?"
false
eval ''
echo "empty eval=$?"
