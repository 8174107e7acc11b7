# several names in one local
f() { local a=1 b c=3; b=2; echo "$a$b$c"; }
a=x b=y c=z
f
echo "$a$b$c"
