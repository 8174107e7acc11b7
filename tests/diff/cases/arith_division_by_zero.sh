# division by zero is an error
# stderr: presence
(echo $((1 / 0)); echo never)
echo "status-nonzero=$([ $? -ne 0 ] && echo yes)"
