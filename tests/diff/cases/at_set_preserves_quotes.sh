# set -- with quoted words keeps them whole
set -- "one two" "" three
echo "$#"
printf '<%s>' "$@"
echo
