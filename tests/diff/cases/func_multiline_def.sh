# the body on the next line
f()
{
	echo "body on next line"
}
f
