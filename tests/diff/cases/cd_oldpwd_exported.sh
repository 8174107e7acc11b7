# OLDPWD is exported after cd
mkdir x
cd x
env | grep -c '^OLDPWD='
