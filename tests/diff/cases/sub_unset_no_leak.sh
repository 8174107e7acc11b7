# unset in a subshell does not leak
v=keep
(unset v; echo "in: [${v-unset}]")
echo "out: [$v]"
