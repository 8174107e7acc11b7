# the EXIT trap runs on exit N, the status is kept
trap 'echo in trap' EXIT
exit 4
