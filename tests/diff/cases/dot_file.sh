# . runs a file in the current shell
echo 'sourced_var=hello; echo "in sourced, arg count $#"' >lib.sh
. ./lib.sh
echo "$sourced_var"
