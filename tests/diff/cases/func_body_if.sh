# a function whose body is an if, not a group
f() if [ "$1" = a ]; then echo "is a"; else echo "not a"; fi
f a
f b
