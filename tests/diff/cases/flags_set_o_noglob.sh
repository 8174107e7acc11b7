# set -o noglob and set +o noglob
touch a1
set -o noglob
echo a*
set +o noglob
echo a*
