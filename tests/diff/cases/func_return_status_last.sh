# return without N returns the status of the last command
f() { false; return; }
f
echo "status=$?"
