# issue 12 §4: ~ after : inside ${u-~:~} in an assignment
# follow: dash bash --posix leaves the second ~ unexpanded; dash and plain bash expand both, and issue 12 §4 asks for it
x=${u-~:~}
[ "$x" = "$HOME:$HOME" ] && echo "both tildes expanded"
