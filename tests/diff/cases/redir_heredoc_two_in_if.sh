# two here-documents in one if
if true; then
	cat <<A
first
A
	cat <<B
second
B
fi
