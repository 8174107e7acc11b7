# . -- FILE
echo 'echo sourced' >lib.sh
. -- ./lib.sh
