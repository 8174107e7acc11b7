# type of a function and a reserved word
f() { :; }
type f >/dev/null && echo "f found"
type if >/dev/null && echo "if found"
type nonexistent-xyz >/dev/null 2>&1 || echo "missing not found"
