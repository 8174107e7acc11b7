# an unquoted variable in a pattern is a pattern; quoted, literal
p='a*'
for w in abc 'a*'; do
	case $w in "$p") echo "$w: literal" ;; esac
	case $w in $p) echo "$w: glob" ;; esac
done
