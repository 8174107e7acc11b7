# negative numbers and unary minus
x=-5
echo $((x)) $((-x)) $((x * -1)) $((- - 3))
