# command -v: built-ins, functions, utilities, missing names
command -v echo
command -v cd
f() { :; }
command -v f
command -v sh | grep -q '/sh$' && echo "sh by path"
