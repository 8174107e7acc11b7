# follow: bash a variable's value that is an expression: bash evaluates it, dash refuses (POSIX leaves it open; SPEC §3: bash)
a=3 b=4
c=a+b
echo $((c * 2))
d=c
echo $((d + 1))
