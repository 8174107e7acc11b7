# eval assigns in the current shell
name=dynamic
eval "$name=value"
echo "dynamic=$dynamic"
