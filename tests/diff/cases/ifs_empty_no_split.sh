# an empty IFS: no field splitting
IFS=
v="a b  c"
set -- $v
echo "$#: $1"
