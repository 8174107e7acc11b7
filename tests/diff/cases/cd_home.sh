# cd with no argument goes to HOME
mkdir h
HOME=$PWD/h
cd
echo "${PWD##*/}"
