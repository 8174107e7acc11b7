# exit N in a subshell with an EXIT trap inside it
(trap 'echo "sub trap $?"' EXIT; exit 4)
echo "status=$?"
