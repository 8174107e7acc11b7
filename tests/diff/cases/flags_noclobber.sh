# set -C refuses to overwrite, >| overrides
# stderr: presence
echo one >f
set -C
echo two >f
echo "status-nonzero=$([ $? -ne 0 ] && echo yes)"
echo three >|f
cat f
