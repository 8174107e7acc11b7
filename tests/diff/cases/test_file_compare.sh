# -nt -ot -ef
: >a
ln a hard
[ a -ef hard ] && echo "ef"
[ a -ef a ] && echo "self ef"
