# set -- inside the body does not change the list being iterated
set -- a b c
for x in "$@"; do set -- z; echo "$x $#"; done
