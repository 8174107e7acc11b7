# CDPATH is searched and the new directory printed
mkdir -p base/target
base=$PWD/base
CDPATH=$base
cd target | sed "s|^$base|BASE|"
cd target >/dev/null && echo "now in ${PWD##*/}"
