# the status of a bare assignment is that of its command substitution
x=$(exit 3)
echo "status=$?"
x=$(true)
echo "status=$?"
