# case inside a loop with break and continue
for w in a skip b stop c; do
	case $w in
	skip) continue ;;
	stop) break ;;
	esac
	echo "w=$w"
done
