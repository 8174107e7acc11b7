# a pipe into a while loop
printf 'x\ny\n' | while read -r l; do echo "<$l>"; done
