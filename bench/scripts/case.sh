# case.sh FILE — `case` over every word of FILE (one word a line, read in
# one go with $(cat) so that the loop is the case, not the reading).
a=0 b=0 d=0 o=0
for w in $(cat "$1"); do
	case $w in
	a* | b*) a=$((a+1)) ;;
	*x*) b=$((b+1)) ;;
	[0-9]*) d=$((d+1)) ;;
	*) o=$((o+1)) ;;
	esac
done
echo "$a $b $d $o"
