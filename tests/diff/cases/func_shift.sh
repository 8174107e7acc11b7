# shift inside a function
f() { while [ $# -gt 0 ]; do echo "$1"; shift; done; echo "left $#"; }
f a b c
