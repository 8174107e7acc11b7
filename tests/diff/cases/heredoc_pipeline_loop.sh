# a here-document piped into a loop
cat <<EOT | while read -r a; do echo "[$a]"; done
one
two
EOT
