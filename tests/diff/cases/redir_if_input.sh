# a redirection on an if feeds its condition and body
echo data >f
if read -r l; then echo "read $l"; fi <f
