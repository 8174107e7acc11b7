# a group reads from a redirection
printf 'l1\nl2\nl3\n' >f
{ read -r a; read -r b; echo "$b $a"; } <f
