# groups in && and || chains
true && { echo and1; echo and2; }
false || { echo or1; }
{ false; } || echo "group failed"
