# the case word is expanded (no splitting, no globbing)
v="a b"
case $v in "a b") echo "no split" ;; esac
touch zzz
case * in zzz) echo globbed ;; \*) echo "star stays" ;; esac
case $(echo cmd) in cmd) echo "cmdsub word" ;; esac
