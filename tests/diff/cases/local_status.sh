# local has status 0
f() { local v; echo "status=$?"; }
f
