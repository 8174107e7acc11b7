# set -e is ignored inside a function called on the left of &&
set -e
f() { false; echo "after false in f"; }
f && echo "f ok"
echo end
