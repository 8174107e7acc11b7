# quoted pattern characters are literal
for w in '*' 'x' 'a?'; do
	case $w in
	"*") echo "[$w] literal star" ;;
	'a?') echo "[$w] literal a?" ;;
	*) echo "[$w] anything" ;;
	esac
done
