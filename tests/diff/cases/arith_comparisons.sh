# comparison and logical operators give 0 or 1
echo $((3 < 5)) $((3 > 5)) $((3 <= 3)) $((3 >= 4)) $((2 == 2)) $((2 != 2))
echo $((1 && 0)) $((1 || 0)) $((!0)) $((!5))
