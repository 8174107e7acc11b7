# set -v echoes input lines to stderr, not stdout
# stderr: presence
set -v
echo visible
