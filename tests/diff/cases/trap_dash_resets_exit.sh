# trap - EXIT removes the EXIT trap
trap 'echo never' EXIT
trap - EXIT
echo body
