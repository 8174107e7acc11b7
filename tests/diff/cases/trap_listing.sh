# trap with no arguments prints re-usable commands
trap 'echo got int' INT
trap 'echo bye' EXIT
trap
trap - EXIT
