# the script's own arguments
echo "$#"
printf '[%s]' "$@"
echo
echo "${1} ${2}"
