# fi=1 is an assignment, not a keyword
fi=1; then=2; echo "$fi $then"
