# issue 12 §4: $((0XAA))
echo $((0XAA)) $((0xaa)) $((0Xff + 1))
