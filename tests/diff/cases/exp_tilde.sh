# tilde expansion at word start and after = in assignments
[ ~ = "$HOME" ] && echo "~ is HOME"
x=~/sub; [ "$x" = "$HOME/sub" ] && echo "assignment tilde"
echo "~" '~' \~
