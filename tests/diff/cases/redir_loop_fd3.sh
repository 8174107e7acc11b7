# a numbered descriptor on a loop
printf 'x\ny\n' >f
while read -r l <&3; do echo "fd3: $l"; done 3<f
