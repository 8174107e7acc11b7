# && and || have equal precedence, left to right
false && echo no || echo "or after failed and"
true || echo no && echo "and after skipped or"
