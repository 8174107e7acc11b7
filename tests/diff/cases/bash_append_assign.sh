# follow: bash NAME+=value appends (bash; dash reads x+=b as a command name)
x=a; x+=b; echo $x
unset y; y+=1; y+=1; echo $y
x=a; x+=b env | grep '^x='; echo $x
p=/a; p+=:/b; echo $p
f() { local v=a; v+=b; echo $v; }; f
echo x+=1
x=a; export x+=b; echo $x; sh -c 'echo "$x"'
g() { local v=a; local v+=" b *"; echo "$v"; }; g
