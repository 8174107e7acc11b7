# break in a loop inside a function
f() { for i in 1 2 3; do [ $i = 2 ] && break; echo "f $i"; done; echo "f done"; }
f
