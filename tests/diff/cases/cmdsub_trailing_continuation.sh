# a line continuation just before the closing ) or ` of a command substitution
echo "[$(echo a\
)]" "[`echo b\
`]"
x=$(printf c\
\
)
echo "$x"
