# integer comparisons
for op in -eq -ne -lt -le -gt -ge; do
	if [ 3 $op 5 ]; then echo "3 $op 5"; fi
done
test 10 -gt 9 && echo "10 > 9 (not string order)"
