# issue 12 §4: pathname expansion of the results of unquoted expansions
touch a.txt b.txt c.log
p='*.txt'; echo $p
echo "$p"
