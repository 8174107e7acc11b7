# three stages, the middle one compound
printf 'b\na\n' |[shm] while read -r l; do echo "$l$l"; done |[mq:lines] sort
