# whitespace around a non-whitespace IFS character belongs to it
IFS=' ,'
v="a , b,c ,d"
set -- $v
echo "$#"
printf '[%s]' "$@"
echo
