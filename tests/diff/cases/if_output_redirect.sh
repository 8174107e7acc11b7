# a redirection after fi applies to the whole if
if true; then echo inside; echo second; fi >out.txt
echo "file:"; cat out.txt
