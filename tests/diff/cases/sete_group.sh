# set -e in a group
set -e
{ echo in-group; false; echo never; }
echo never
