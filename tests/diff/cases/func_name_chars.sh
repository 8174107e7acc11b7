# names with underscores and digits
my_func2() { echo "ok $1"; }
_f() { echo underscore; }
my_func2 x
_f
