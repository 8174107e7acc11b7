# $( ) and backquotes, nesting, trailing newlines removed
echo "[$(echo a; echo; echo)]"
echo "[`echo b`]" "[$(echo $(echo nested))]"
