# a quoted reserved word is a command name, not a keyword
"if" true 2>/dev/null
echo "status=$?"
\while 2>/dev/null
echo "status=$?"
