# set -- "": "$@" is one empty field, $@ is none
set -- ""
printf '<%s>' "$@"
echo " $#"
set -- $@
echo "after unquoted: $#"
