# export reaches children; a plain variable does not
e=1 p=2
export e
sh -c 'echo "[$e] [$p]"'
