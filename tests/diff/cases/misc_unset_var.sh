# unset removes a variable
v=1
unset v
echo "[${v-unset}]"
