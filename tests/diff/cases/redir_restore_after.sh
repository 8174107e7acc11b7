# the shell's own stdout is back after a redirected compound
{ echo to-file; } >f
echo to-stdout
cat f
