# eval building variable names in a loop
for i in 1 2 3; do eval "v$i=\$((i * i))"; done
echo "$v1 $v2 $v3"
