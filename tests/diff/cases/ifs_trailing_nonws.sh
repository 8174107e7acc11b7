# a trailing non-whitespace IFS character does not make an empty last field
IFS=:
v="a:b:"
set -- $v
echo "$#"
