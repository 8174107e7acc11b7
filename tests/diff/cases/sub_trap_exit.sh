# an EXIT trap set in a subshell runs when the subshell ends
(trap 'echo sub-exit' EXIT; echo body)
echo after
