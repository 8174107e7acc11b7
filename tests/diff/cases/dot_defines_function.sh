# a function defined in a sourced file
printf 'lib_f() { echo "lib_f $1"; }\n' >lib.sh
. ./lib.sh
lib_f arg
