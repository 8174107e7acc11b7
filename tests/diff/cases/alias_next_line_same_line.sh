# an alias takes effect from the next line read, not later on its own line
alias e=echo; e hi 2>/dev/null || echo "not yet"
e two; alias f="echo eff"
f; unalias f; f x 2>/dev/null || echo gone-not-yet
f y 2>/dev/null || echo gone
eval "alias g=echo; g z" 2>/dev/null || echo "not in eval either"
eval "alias h=echo
h w"
