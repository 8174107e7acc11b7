# a leading quote gives the character's value
printf '%d %d\n' "'A" '"a'
