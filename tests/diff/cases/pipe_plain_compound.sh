# plain pipes with compound stages
{ echo b; echo a; } | sort | while read -r l; do echo "[$l]"; done
