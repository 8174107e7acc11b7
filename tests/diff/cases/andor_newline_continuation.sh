# a newline after && or || continues the list
true &&
	echo "after &&"
false ||
	echo "after ||"
