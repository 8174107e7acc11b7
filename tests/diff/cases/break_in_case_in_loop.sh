# break inside case inside a loop leaves the loop
for w in a b c; do
	case $w in b) break ;; esac
	echo "$w"
done
echo done
