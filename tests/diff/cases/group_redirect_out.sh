# a redirection on a group covers every command in it
{ echo a; echo b; } >out
echo "lines: $(wc -l <out)"
{ echo c; } >>out
cat out
