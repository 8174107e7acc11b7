# a subshell as a stage, a transport edge to cat
(cd / && echo "in ${PWD}") |[shm] cat
