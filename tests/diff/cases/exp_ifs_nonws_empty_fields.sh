# issue 12 §4: non-whitespace IFS characters delimit empty fields
IFS="_ "; s="a_b _ c"
set -- $s
echo "$# fields"
printf '[%s]' "$@"
echo
