# trap set in a function is global
f() { trap 'echo trapped' EXIT; }
f
echo body
