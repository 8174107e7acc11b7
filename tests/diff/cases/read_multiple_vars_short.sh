# read with more variables than fields
echo "one" | { read -r a b c; echo "[$a] [$b] [$c]"; }
