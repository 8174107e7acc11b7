# "$@" with no parameters is no field; "$*" is one empty field
set --
printf '<%s>' "$@"
echo "|"
printf '<%s>' "$*"
echo "|"
