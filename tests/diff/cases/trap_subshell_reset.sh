# a subshell does not run the parent's EXIT trap
trap 'echo parent-exit' EXIT
(echo in-sub)
echo after
