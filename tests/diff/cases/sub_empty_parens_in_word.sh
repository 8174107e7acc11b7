# parentheses in quotes are not a subshell
echo "(not a subshell)" '(x)'
