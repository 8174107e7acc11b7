
echo $(ls | wc -l) "$(echo ")" $(x))"
