# follow: bash local NAME without a value: bash makes it unset, dash keeps the outer value (SPEC: bash where they differ)
x=outer
f() { local x; echo "[${x-unset}]"; x=set-in-f; }
f
echo "[$x]"
