# case picks the matching item
for w in apple banana cherry; do
	case $w in
	apple) echo "a fruit: $w" ;;
	banana) echo "yellow" ;;
	*) echo "other: $w" ;;
	esac
done
