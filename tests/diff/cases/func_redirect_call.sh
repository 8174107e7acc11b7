# a redirection on the call
f() { echo out; echo err >&2; }
f >o 2>e
echo "o=$(cat o) e=$(cat e)"
