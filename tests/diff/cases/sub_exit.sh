# exit in a subshell ends only the subshell
(echo in; exit 4; echo never)
echo "status=$?"
echo "still here"
