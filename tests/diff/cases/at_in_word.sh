# "x$@y" distributes the prefix and suffix
set -- a b c
printf '[%s]' "x$@y"
echo
