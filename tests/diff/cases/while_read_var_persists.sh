# variables set in a redirected loop persist (no subshell)
printf '1\n2\n3\n' >f
sum=0
while read -r n; do sum=$((sum + n)); done <f
echo "sum=$sum"
