# reserved words as values in the list
for x in if then fi do done in; do printf '%s ' "$x"; done
echo
