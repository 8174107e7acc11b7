# cd to a missing directory fails, cwd unchanged
# stderr: presence
here=$PWD
cd /nonexistent-dir-xyz
echo "status-nonzero=$([ $? -ne 0 ] && echo yes)"
[ "$PWD" = "$here" ] && echo unchanged
