# "$@" with no parameters: the loop body never runs
set --
for a in "$@"; do echo "never $a"; done
echo "count=$#"
