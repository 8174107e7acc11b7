# ${x?msg} on an unset variable ends a subshell with an error
# stderr: presence
(echo "${nope?is not set}"; echo never)
echo "status-nonzero=$([ $? -ne 0 ] && echo yes)"
