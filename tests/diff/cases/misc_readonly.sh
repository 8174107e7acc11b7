# readonly variables cannot be changed; the error ends a subshell
readonly r=1
(r=2; echo never) 2>/dev/null
echo "status-nonzero=$([ $? -ne 0 ] && echo yes) r=$r"
