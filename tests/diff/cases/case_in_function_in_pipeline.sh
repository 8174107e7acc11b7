# a function with a case as a transport stage
kind() { while read -r w; do case $w in [0-9]*) echo "num $w" ;; *) echo "word $w" ;; esac; done; }
printf '1\nx\n' |[shm] kind
