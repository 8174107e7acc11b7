# until reading from a redirected file
printf 'a\nb\nend\nc\n' >f
until read -r l && [ "$l" = end ]; do echo "l=$l"; done <f
