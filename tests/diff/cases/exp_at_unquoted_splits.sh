# issue 12 §4: unquoted $@ splits its fields again
set -- "a b" c
printf '[%s]' $@
echo
printf '[%s]' "$@"
echo
