# command substitution results are split
set -- $(printf 'x y\nz')
echo "$#"
