# reserved words as assignment values
a=if b=then c=done
echo "$a $b $c"
