# a function that defines a function
outer() { inner() { echo "inner defined"; }; }
inner 2>/dev/null || echo "not yet"
outer
inner
