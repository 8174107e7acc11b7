# for, while and case as arguments
echo for x in y
printf '%s\n' while case
