# cd - returns and prints the old directory; OLDPWD is set
mkdir -p a/b
cd a/b
cd - >/dev/null
echo "back: ${PWD##*/}"
echo "OLDPWD ends: ${OLDPWD#"$PWD"}"
