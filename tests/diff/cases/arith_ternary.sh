# the conditional operator
x=5
echo $((x > 3 ? 100 : 200)) $((x < 3 ? 100 : 200))
