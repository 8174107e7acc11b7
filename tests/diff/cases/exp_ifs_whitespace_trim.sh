# default IFS trims leading and trailing blanks
v="   lead  mid   trail   "
set -- $v
echo "$#: $1|$2|$3"
