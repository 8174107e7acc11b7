# read without -r treats backslash as an escape
printf 'a\\ b c\\\nd\n' | { read x y; echo "[$x] [$y]"; }
printf 'a\\ b\n' | { read -r x y; echo "[$x] [$y]"; }
