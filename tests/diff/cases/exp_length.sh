# ${#x} and ${#}
x=hello; e=
set -- a b c
echo "${#x} ${#e} ${#}"
