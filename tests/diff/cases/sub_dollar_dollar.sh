# $$ is the shell's pid in a subshell too
a=$$
(b=$$; [ "$a" = "$b" ] && echo "same pid")
