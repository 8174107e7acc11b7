# f() ( … ): the body runs in a subshell
x=0
f() (x=1; echo "in $x")
f
echo "out $x"
