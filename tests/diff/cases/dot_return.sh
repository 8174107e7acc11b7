# return in a sourced file returns from the .
printf 'echo one\nreturn 3\necho never\n' >lib.sh
. ./lib.sh
echo "status=$?"
