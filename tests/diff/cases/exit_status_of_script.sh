# the script's status is the last command's
echo last
false
