# IFS=: splits on colons
v="a:b::c"
IFS=:
set -- $v
echo "$#"
printf '[%s]' "$@"
echo
