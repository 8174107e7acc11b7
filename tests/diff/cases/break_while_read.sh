# break out of a while read loop
printf '1\n2\nstop\n3\n' >f
while read -r l; do [ "$l" = stop ] && break; echo "$l"; done <f
