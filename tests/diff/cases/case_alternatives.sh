# patterns with |
for w in a b c d; do
	case $w in
	a | b) echo "$w: a or b" ;;
	c|d) echo "$w: c or d" ;;
	esac
done
