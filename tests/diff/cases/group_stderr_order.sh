# { a; b; } 2>&1 >out: stderr to the old stdout, stdout to the file
{ echo to-out; echo to-err >&2; } 2>&1 >out
echo "file has: $(cat out)"
