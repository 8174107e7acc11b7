# a compound stage of a multi-stage pipeline runs in a forked shell
v=outer
echo inner |[shm] { read -r v; echo "in stage: $v"; }
echo "after: $v"
