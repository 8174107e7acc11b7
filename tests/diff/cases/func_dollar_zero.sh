# $0 is unchanged in a function
f() { echo "${0##*/}"; }
f
