# issue 12 §4: quote removal inside ${x:-"a b"}, splitting of unquoted defaults
printf '[%s]' "${u:-"a b"}" ${u:-c d}
echo
