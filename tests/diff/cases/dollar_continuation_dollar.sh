# $$ is the pid also when a line continuation separates the two $
a=$\
$; [ "$a" = $$ ] && echo pid
b="$\
$"; [ "$b" = $$ ] && echo pid-in-quotes
