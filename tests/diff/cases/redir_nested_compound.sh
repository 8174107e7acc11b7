# redirections on nested compounds: the inner one wins for its body
{ echo outer1; { echo inner; } >inner.txt; echo outer2; } >outer.txt
echo "outer: $(cat outer.txt | tr '\n' ' ')"
echo "inner: $(cat inner.txt)"
