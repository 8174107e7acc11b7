# set -- sets the positional parameters, set -- clears them
set -- a b c
echo "$#"
set --
echo "$#"
set -- -x
echo "$1"
