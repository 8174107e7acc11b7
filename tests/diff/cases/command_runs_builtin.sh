# command NAME skips functions
echo() { printf 'func\n'; }
echo x
command echo builtin
