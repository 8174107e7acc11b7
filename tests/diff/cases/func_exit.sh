# exit in a function exits the shell
f() { echo in-f; exit 5; }
f
echo never
