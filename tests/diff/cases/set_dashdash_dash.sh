# set -- with arguments that look like options
set -- -e -x
echo "$# $1 $2"
case $- in *e*) echo "wrong: -e set" ;; *) echo "no -e" ;; esac
