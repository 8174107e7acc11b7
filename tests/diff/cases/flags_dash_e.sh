# $- shows e after set -e, u after set -u, f after set -f
set -e
case $- in *e*) echo "e in \$-" ;; esac
set +e
case $- in *e*) echo wrong ;; *) echo "e gone" ;; esac
set -u
case $- in *u*) echo "u in \$-" ;; esac
set -f
case $- in *f*) echo "f in \$-" ;; esac
