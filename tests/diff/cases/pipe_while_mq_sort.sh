# a while loop as the producer of an mq:lines edge
printf 'c\na\nb\n' >f
while read -r l; do echo "<$l>"; done <f |[mq:lines] sort
