# comments inside an if
if true # a comment after the condition
then # and after then
	echo "with comments" # and after a command
fi # and after fi
