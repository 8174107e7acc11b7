# Each stage of a pipeline of several is a subshell environment (POSIX
# 2.12): what its expansions assign does not stay in the shell, and an
# expansion error ends that stage, not the shell. ipcsh expands every
# stage's words before it starts them: this is what that must not change.
echo ${x=1} | cat; echo "x=$x"
i=0; echo $((i+=1)) | cat; echo "i=$i"
echo ${y=2} | echo "y=$y"
: | echo ${z:=3}; echo "z=$z"
echo ${u?gone} | cat; echo "after $?"
echo a | echo ${v?gone}; echo "failed $(($? != 0))"
(set -u; echo $nope | cat) 2>/dev/null; echo "nounset stage $?"
echo "end"
# Redirections and here-documents of a stage: the same.
r=0; echo x >f$((r+=1)) | cat; echo "r=$r"
h=0; cat <<EOT | cat
$((h+=1))
EOT
echo "h=$h"
m=0; for w in a b; do echo $w; done >g$((m+=1)) | cat; echo "m=$m"
