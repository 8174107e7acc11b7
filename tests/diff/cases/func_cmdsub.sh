# a function called in a command substitution
f() { echo "from f"; }
v=$(f)
echo "v=[$v]"
