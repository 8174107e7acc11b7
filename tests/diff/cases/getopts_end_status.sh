# getopts returns non-zero at the end, opt is ?
set -- -a
getopts a o; echo "$? $o"
getopts a o; echo "$? $o"
