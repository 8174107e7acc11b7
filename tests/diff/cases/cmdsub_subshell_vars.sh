# assignments inside $( ) do not leak
x=1
y=$(x=2; echo $x)
echo "x=$x y=$y"
