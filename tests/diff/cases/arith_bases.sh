# octal and hex constants
echo $((010)) $((0x10)) $((0X1f)) $((0))
