# a function whose body is a for loop
f() for x in "$@"; do echo "<$x>"; done
f 1 2
