# a redirection in the definition applies at each call
f() { echo "call $1"; } >>log
f 1
f 2
cat log
