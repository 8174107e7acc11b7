# ! -a -o and parentheses
[ ! -z x ] && echo "not zero"
[ a = a -a b = b ] && echo "and"
[ a = b -o b = b ] && echo "or"
[ \( a = a \) ] && echo "parens"
