# quoted parts of the trim pattern are literal
x='a*b*c'
echo "${x#*\*}" "${x#"a*"}" "${x%'*'*}"
