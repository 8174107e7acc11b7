# a subshell as a pipeline stage
(echo z; echo y) | sort
echo q | (read -r v; echo "got $v")
