# eval defines a function and a loop
eval 'f() { echo "f from eval $1"; }'
f x
eval 'for i in 1 2; do echo "loop $i"; done'
