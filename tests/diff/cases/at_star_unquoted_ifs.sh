# unquoted $* and $@ are split by IFS
set -- "a:b" c
IFS=:
printf '[%s]' $*
echo
printf '[%s]' "$*"
echo
