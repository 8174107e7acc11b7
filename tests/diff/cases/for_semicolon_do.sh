# for NAME; do over "$@"
set -- p q
for x; do echo "x=$x"; done
