# issue 12 §4: "$*" with an empty IFS: no separator
set -- a b c
IFS=
echo "$*"
