# bracket expressions, negation with !
for c in a 5 Z -; do
	case $c in
	[a-z]) echo "$c: lower" ;;
	[0-9]) echo "$c: digit" ;;
	[!a-z0-9-]) echo "$c: neither" ;;
	*) echo "$c: other" ;;
	esac
done
