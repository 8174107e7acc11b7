# the status of a subshell is its last command's
(true; false)
echo "status=$?"
(false; true)
echo "status=$?"
