# a backslash-newline at the very end of a script joins nothing
echo a \
