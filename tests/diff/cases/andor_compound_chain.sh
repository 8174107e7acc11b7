# compound commands in && and || chains
true && if true; then echo "if in &&"; fi
false || for x in a; do echo "for in || $x"; done
{ false; } || case y in y) echo "case in ||" ;; esac
