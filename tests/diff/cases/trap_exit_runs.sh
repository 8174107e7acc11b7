# the EXIT trap runs at the end of the script, with the final status
trap 'echo "exit trap, status $?"' EXIT
echo body
(exit 3)
