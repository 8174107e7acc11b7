# the status of a group is its last command's
{ true; false; }
echo "status=$?"
{ false; true; }
echo "status=$?"
