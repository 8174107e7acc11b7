# after an assignment, if is not a reserved word
x=1 if 2>/dev/null
echo "status=$?"
