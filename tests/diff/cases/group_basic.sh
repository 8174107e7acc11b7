# a brace group runs in the current shell
{ echo one; echo two; }
{
	echo three
}
