# exit in a group exits the shell
{ echo before; exit 3; echo never; }
echo never2
