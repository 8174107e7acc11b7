# an unquoted empty expansion is no field
e=
printf '<%s>' $e a $e
echo
printf '<%s>' "$e" a
echo
