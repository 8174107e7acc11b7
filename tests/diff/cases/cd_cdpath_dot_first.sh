# an empty CDPATH entry means the current directory; no print then
mkdir -p here other/here
CDPATH=:$PWD/other
cd here
echo "in ${PWD#"$OLDPWD"}"
