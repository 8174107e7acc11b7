# a function takes precedence over a utility of the same name
ls() { echo "my ls"; }
ls
command ls >/dev/null && echo "command ls is the utility"
