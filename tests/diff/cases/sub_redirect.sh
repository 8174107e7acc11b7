# redirections on a subshell
(echo a; echo b) >out
(read -r l; echo "read $l") <out
cat out
