# a last line without newline: read fails but sets the variable
printf 'one\ntwo' >f
while read -r l; do echo "got $l"; done <f
echo "left=[$l]"
