# a function defined in a subshell does not exist outside
(f() { echo inner-f; }; f)
f 2>/dev/null || echo "no f outside"
