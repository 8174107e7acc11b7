# a here-document into a loop feeding a shm edge
while read -r w; do echo "w:$w"; done <<EOT |[shm] cat
alpha
beta
EOT
