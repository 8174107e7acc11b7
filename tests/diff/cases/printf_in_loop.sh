# printf in a loop builds a line
for i in 1 2 3; do printf '%s,' "$i"; done
printf '\n'
