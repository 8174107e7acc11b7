# cd in a subshell does not change the shell's directory
mkdir d
here=$(pwd)
(cd d && echo "in: ${PWD##*/}")
[ "$(pwd)" = "$here" ] && echo "cwd unchanged"
