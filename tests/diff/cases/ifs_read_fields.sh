# read splits by IFS, the last variable takes the rest
echo "a:b:c:d" | { IFS=: read -r x y z; echo "[$x] [$y] [$z]"; }
echo "  lead  trail  " | { read -r l; echo "[$l]"; }
echo "  lead  trail  " | { IFS= read -r l; echo "[$l]"; }
