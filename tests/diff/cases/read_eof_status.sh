# read at end of file returns non-zero
: >empty
read -r v <empty
echo "status-nonzero=$([ $? -ne 0 ] && echo yes) v=[$v]"
