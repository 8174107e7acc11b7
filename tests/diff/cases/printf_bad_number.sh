# a bad number: error message, status non-zero, output continues
printf '%d\n' abc 2>/dev/null
echo "status-nonzero=$([ $? -ne 0 ] && echo yes)"
