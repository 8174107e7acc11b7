# set -e looks only at a pipeline's last command
set -e
false | true
echo "survived"
