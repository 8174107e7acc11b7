# issue 12 §4: backquotes inside double quotes
echo "x `echo \"hi\"`"
