# pathname expansion in the word list
touch b.txt a.txt c.log
for f in *.txt; do echo "file $f"; done
for f in *.none; do echo "nomatch $f"; done
