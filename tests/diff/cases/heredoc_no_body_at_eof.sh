# a here-document with no body at all at the end of a script is empty
echo x; cat <<EOF