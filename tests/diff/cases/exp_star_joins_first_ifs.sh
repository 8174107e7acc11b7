# issue 12 §4: "$*" joins with the first IFS character
set -- a b c
IFS=:-
echo "$*"
IFS=' '
echo "$*"
