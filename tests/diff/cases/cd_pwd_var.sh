# PWD follows cd, .. is handled logically
mkdir -p p/q
cd p/q
cd ..
echo "${PWD##*/}"
pwd | sed 's|.*/||'
