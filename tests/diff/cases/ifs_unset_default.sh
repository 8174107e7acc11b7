# unset IFS behaves as space, tab, newline
unset IFS
v="a	b
c d"
set -- $v
echo "$#"
