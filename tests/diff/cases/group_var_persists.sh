# variables set in a group persist
{ x=1; y=2; }
echo "x=$x y=$y"
