# case over many words in a loop
c=0 v=0
for w in apple kiwi banana fig cherry pear; do
	case $w in
	*a*) c=$((c + 1)) ;;
	*) v=$((v + 1)) ;;
	esac
done
echo "with a: $c, without: $v"
