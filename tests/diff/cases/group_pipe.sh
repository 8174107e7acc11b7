# a group as a pipeline stage
{ echo b; echo a; } | sort
echo x | { read -r v; echo "read $v"; }
