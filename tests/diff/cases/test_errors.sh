# a missing ] or bad operator: status 2
[ a = a 2>/dev/null
echo "missing ]: $?"
[ 1 -eq x ] 2>/dev/null
echo "not a number: $?"
