# nested for loops
for a in 1 2; do for b in x y; do printf '%s%s ' $a $b; done; done
echo
